// The export verifier's fast path for canonical lines (canonicalLine) must agree with the
// strict path: same parsed value, same hashed text as canonicalizeWithout, and no acceptance
// of any line that is not exactly RFC 8785 (the strict path then decides).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalLine } from '../src/export/canonical-scan.js';
import { parseJsonStrict } from '../src/json-strict.js';
import { canonicalize, canonicalizeWithout } from '../src/jcs.js';
import { sampleLedger, toExport } from './helpers/export.js';
import { KEY2 } from './helpers/ledger.js';

const NOT_HASHED = new Set(['hash', 'sig']);

function slowHashed(text: string): string {
  const raw = parseJsonStrict(text) as { event: object };
  return canonicalizeWithout(raw.event, NOT_HASHED);
}

/** A sealed sample line with `data` replaced (the line stays canonical when written by canonicalize). */
function lineWithData(data: unknown): Record<string, unknown> {
  const f = toExport(sampleLedger(4, 100));
  const o = JSON.parse(f.events[1] as string) as { event: Record<string, unknown> };
  o.event['data'] = data;
  return o;
}

describe('canonical line fast path', () => {
  test('agrees with the strict path on every line of a sample export (rotation, checkpoints)', () => {
    const f = toExport(sampleLedger(40, 10, KEY2));
    const lines = [...f.events, ...f.checkpoints];
    assert.ok(lines.length > 40);
    for (const text of lines) {
      const fast = canonicalLine(text);
      assert.ok(fast, `canonical line not taken by the fast path: ${text.slice(0, 80)}`);
      assert.deepEqual(fast.raw, parseJsonStrict(text));
      assert.equal(fast.hashed, slowHashed(text));
    }
  });

  test('agrees on awkward but canonical data: escapes, non-ASCII, astral characters, numbers, nesting', () => {
    const data = {
      '': 'empty key',
      a: 'quote " backslash \\ control \u0001 \u001f del \u007f',
      b: 'é € 𝄞 \u2028 \u2029',
      c: [0, -1, 1.5, 1e-7, 123456789012, 9007199254740991, -9007199254740991, 1e21 / 1e6, 0.1],
      d: { nested: { deeper: [[], {}, [null, true, false]] } },
      hash: 'a data member named hash',
      sig: { kid: 'not the signature' },
      z: '\\ud800 is text here, not an escape',
    };
    const text = canonicalize(lineWithData(data));
    const fast = canonicalLine(text);
    // "\\ud800" is an escaped backslash and text, not an escape: canonical, so taken.
    assert.ok(fast);
    assert.deepEqual(fast.raw, parseJsonStrict(text));
    assert.equal(fast.hashed, slowHashed(text));
  });

  test('agrees on canonical integer-like keys (the engine puts them first in the parsed object)', () => {
    for (const json of ['{"10":1,"9":2}', '{"0":0,"1":1,"10":10,"2":2,"a":3}', '{"1":{"10":[],"2":{}},"event":{"hash":1}}']) {
      const text = canonicalize(lineWithData({})).replace('"data":{}', `"data":${json}`);
      assert.equal(canonicalize(parseJsonStrict(text)), text);
      const fast = canonicalLine(text);
      assert.ok(fast, json);
      assert.deepEqual(fast.raw, parseJsonStrict(text));
      assert.equal(fast.hashed, slowHashed(text));
    }
  });

  const variants: [string, (canonical: string) => string][] = [
    ['whitespace', (t) => t.replace('{"event":', '{ "event":')],
    ['trailing space', (t) => `${t} `],
    ['unsorted keys', (t) => t.replace(/^\{"event":(.*),"leaf":(\d+),"position":(\d+)\}$/, '{"leaf":$2,"event":$1,"position":$3}')],
    ['duplicate key', (t) => t.replace('"leaf":', '"leaf":0,"leaf":')],
    ['escaped ASCII', (t) => t.replace('"event"', '"\\u0065vent"')],
    ['escaped slash', (t) => t.replace('"service"', '"serv\\/ice"')],
    ['non-canonical number', (t) => t.replace('"schema":1', '"schema":1.0')],
    ['exponent number', (t) => t.replace('"schema":1', '"schema":1e0')],
    ['negative zero', (t) => t.replace('"schema":1', '"schema":-0')],
  ];
  for (const [name, change] of variants) {
    test(`refuses a non-canonical line (${name}); the strict path decides`, () => {
      const text = toExport(sampleLedger(4, 100)).events[1] as string;
      const changed = change(text);
      assert.notEqual(changed, text);
      assert.equal(canonicalLine(changed), undefined);
    });
  }

  const data: [string, string][] = [
    ['lone surrogate escape', '{"s":"\\ud800"}'],
    ['unsafe integer 2^53', '{"n":9007199254740992}'],
    ['unsafe integer 1e21', '{"n":1e+21}'],
    ['escaped surrogate pair', '{"s":"\\ud834\\udd1e"}'],
    ['integer-like keys out of order', '{"9":2,"10":1}'],
    ['__proto__ key', '{"__proto__":1}'],
    ['deep nesting', `{"d":${'['.repeat(40)}${']'.repeat(40)}}`],
  ];
  for (const [name, json] of data) {
    test(`refuses data the strict path must judge (${name})`, () => {
      const text = canonicalize(lineWithData({})).replace('"data":{}', `"data":${json}`);
      assert.ok(text.includes(json));
      assert.equal(canonicalLine(text), undefined);
    });
  }
});
