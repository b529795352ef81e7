// canonicalLine cuts the hashed text out of the line (the event's text without its "hash" and
// "sig" members) instead of serializing the event again. A randomized agreement test against the
// strict path (parseJsonStrict + canonicalizeWithout): events and lines of random shape, with
// members named hash/sig nested in data and meta, strings full of quotes, backslashes, escapes
// and text that looks like members, hash and sig anywhere in the key order, or missing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalLine } from '../src/export/canonical-scan.js';
import { parseJsonStrict } from '../src/json-strict.js';
import { canonicalize, canonicalizeWithout } from '../src/jcs.js';
import { sampleLedger, toExport } from './helpers/export.js';
import { rng } from './helpers/random.js';

const NOT_HASHED = new Set(['hash', 'sig']);

const TRICKY_STRINGS = [
  '',
  'hash',
  'sig',
  '"hash":"x"',
  ',"sig":{"kid":"a"}',
  '}',
  '{',
  ']',
  '[',
  '\\',
  '\\"',
  '"',
  'a\\',
  '\\\\',
  'é € 𝄞',
  '\u2028\u2029',
  '\u0000\u0001\u001f\u007f',
  '\n\t\r\b\f',
  '},"hash":"',
  '\\","sig":',
];
const KEYS = ['hash', 'sig', 'data', 'meta', 'a', 'event', 'z', '', 'h', 'hash2', 'sig"', 'si', 'ha\\sh', '1', '10', 'é'];

function randomString(r: () => number): string {
  if (r() < 0.5) return TRICKY_STRINGS[Math.floor(r() * TRICKY_STRINGS.length)] as string;
  let s = '';
  const n = Math.floor(r() * 6);
  for (let i = 0; i < n; i++) s += TRICKY_STRINGS[Math.floor(r() * TRICKY_STRINGS.length)] as string;
  return s;
}

function randomValue(r: () => number, depth: number): unknown {
  const k = r();
  if (depth > 3 || k < 0.3) {
    const p = r();
    if (p < 0.3) return randomString(r);
    if (p < 0.45) return Math.floor(r() * 2000) - 1000;
    if (p < 0.55) return r() * 1e6 - 5e5;
    if (p < 0.62) return [1e21 / 1e6, 1e-7, 0.1, 9007199254740991, -0][Math.floor(r() * 5)];
    if (p < 0.72) return r() < 0.5;
    return null;
  }
  if (k < 0.55) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
  const o: Record<string, unknown> = {};
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) o[r() < 0.6 ? (KEYS[Math.floor(r() * KEYS.length)] as string) : randomString(r)] = randomValue(r, depth + 1);
  return o;
}

/** A sealed line's object with random changes: data, meta, extra members, hash/sig removed or moved. */
function randomLine(base: Record<string, unknown>, r: () => number): Record<string, unknown> {
  const line = structuredClone(base) as { event: Record<string, unknown> } & Record<string, unknown>;
  const ev = line.event;
  ev['data'] = randomValue(r, 0);
  if (r() < 0.4) ev['meta'] = { ...(ev['meta'] as object), hash: randomString(r), sig: randomValue(r, 1) };
  if (r() < 0.2) delete ev['hash'];
  if (r() < 0.2) delete ev['sig'];
  if (r() < 0.3) ev['hash'] = randomValue(r, 1);
  if (r() < 0.3) ev['sig'] = randomValue(r, 1);
  const extra = Math.floor(r() * 3);
  for (let i = 0; i < extra; i++) ev[r() < 0.5 ? (KEYS[Math.floor(r() * KEYS.length)] as string) : randomString(r)] = randomValue(r, 1);
  if (r() < 0.3) line[r() < 0.5 ? 'data' : randomString(r)] = randomValue(r, 1);
  if (r() < 0.1) line['zz'] = { event: { hash: 'x', sig: 'y' } };
  return line;
}

describe('canonical line fast path: the hashed text cut out of the line', () => {
  test('agrees with the strict path on 4,000 random canonical lines (adversarial keys and strings)', () => {
    const f = toExport(sampleLedger(4, 100));
    const base = JSON.parse(f.events[1] as string) as Record<string, unknown>;
    const r = rng(0x5eed);
    let fast = 0;
    let written = 0;
    for (let i = 0; i < 4000; i++) {
      const obj = randomLine(base, r);
      let text: string;
      try {
        text = canonicalize(obj);
      } catch {
        continue; // not I-JSON (e.g. -0 is fine, but a key order the generator cannot write): not a canonical line
      }
      written++;
      const got = canonicalLine(text);
      if (!got) continue;
      fast++;
      const strict = parseJsonStrict(text) as { event: object };
      assert.deepEqual(got.raw, strict, text);
      assert.equal(got.hashed, canonicalizeWithout(strict.event, NOT_HASHED), text);
    }
    // Every canonical line takes the fast path (none has "__proto__" or deep nesting).
    assert.ok(written > 3900, `only ${written} of 4000 lines written`);
    assert.equal(fast, written, `only ${fast} of ${written} canonical lines took the fast path`);
  });

  test('the event first, last, alone, empty, or with hash and sig first or last', () => {
    const cases: unknown[] = [
      { event: {} },
      { event: { hash: 'h' } },
      { event: { sig: { kid: 'k' } } },
      { event: { hash: 'h', sig: 's' } },
      { a: { event: { hash: 1 } }, event: { a: 1, hash: 'h', sig: { hash: 'x' }, z: [{ sig: 1 }] }, zz: 1 },
      { event: { a: '"hash":1,', hash: '","sig":"', m: '\\', sig: '\\"', z: '}' }, leaf: 0, position: 1 },
      { data: { event: {} }, event: { data: { hash: 'x', sig: 'y' }, hash: null, sig: [] } },
    ];
    for (const c of cases) {
      const text = canonicalize(c);
      const got = canonicalLine(text);
      assert.ok(got, text);
      assert.equal(got.hashed, canonicalizeWithout((parseJsonStrict(text) as { event: object }).event, NOT_HASHED), text);
    }
  });
});
