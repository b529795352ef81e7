import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertIJson, canonicalize, canonicalizeRfc8785, FormatError, MAX_DEPTH, parseJsonStrict, serializeNumber } from '../src/index.js';
import { loadVectors } from './helpers/vectors.js';

interface Rfc8785Vectors {
  canonicalize: { name: string; source: string; input: string; expected: string }[];
  numbers: { ieee754: string; expected: string; note: string }[];
  notNumbers: { ieee754: string; note: string }[];
}

const vectors = loadVectors<Rfc8785Vectors>('rfc8785.json');

function fromBits(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

function throwsFormat(fn: () => unknown, code: string, path?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FormatError, `expected FormatError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (path !== undefined) assert.equal(e.path, path);
    return true;
  });
}

describe('RFC 8785 canonicalization', () => {
  for (const v of vectors.canonicalize) {
    test(`given ${v.name} (${v.source}), when canonicalized, then the output is the expected text`, () => {
      assert.equal(canonicalizeRfc8785(JSON.parse(v.input)), v.expected);
      assert.equal(canonicalizeRfc8785(parseJsonStrict(v.input)), v.expected);
    });
  }

  test('given the section 3.2.2 sample, when canonicalized under the ledger profile, then 1E30 is refused as an inexact integer', () => {
    const sample = vectors.canonicalize.find((v) => v.name.includes('3.2.2'));
    assert.ok(sample);
    throwsFormat(() => canonicalize(JSON.parse(sample.input)), 'NOT_I_JSON', '/numbers/1');
  });

  test('given the other samples, when canonicalized under the ledger profile, then the output is the same', () => {
    for (const v of vectors.canonicalize.filter((x) => !x.name.includes('3.2.2'))) {
      assert.equal(canonicalize(JSON.parse(v.input)), v.expected, v.name);
    }
  });

  for (const n of vectors.numbers) {
    test(`given the double ${n.ieee754}, when serialized, then it is ${n.expected} (Appendix B${n.note ? `, ${n.note}` : ''})`, () => {
      const value = fromBits(n.ieee754);
      assert.equal(serializeNumber(value), n.expected);
      assert.equal(canonicalizeRfc8785([value]), `[${n.expected}]`);
      if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
        throwsFormat(() => canonicalize({ n: value }), 'NOT_I_JSON', '/n');
      } else {
        assert.equal(canonicalize({ n: value }), `{"n":${n.expected}}`);
      }
    });
  }

  for (const n of vectors.notNumbers) {
    test(`given the bits of ${n.note} (${n.ieee754}), when serialized, then it is refused`, () => {
      const value = fromBits(n.ieee754);
      throwsFormat(() => serializeNumber(value), 'NOT_I_JSON');
      throwsFormat(() => canonicalizeRfc8785([value]), 'NOT_I_JSON', '/0');
    });
  }

  test('given property names outside the BMP, when sorted, then UTF-16 code units decide (not code points)', () => {
    // U+1F600 is D83D DE00 in UTF-16: before U+FB33, although its code point is larger.
    assert.equal(canonicalize({ '\ufb33': 1, '\u{1f600}': 2 }), '{"\u{1f600}":2,"\ufb33":1}');
  });

  test('given -0, when canonicalized, then it is 0', () => {
    assert.equal(canonicalize({ z: -0 }), '{"z":0}');
  });

  test('given the largest exact integers, when canonicalized, then they are accepted', () => {
    assert.equal(canonicalize([2 ** 53 - 1, -(2 ** 53 - 1)]), '[9007199254740991,-9007199254740991]');
  });

  test('given an object without prototype, when canonicalized, then it is a plain object', () => {
    const o = Object.create(null) as Record<string, number>;
    o['b'] = 2;
    o['a'] = 1;
    assert.equal(canonicalize(o), '{"a":1,"b":2}');
  });
});

describe('ledger I-JSON profile rejections', () => {
  const cases: [string, () => unknown, string][] = [
    ['NaN', () => ({ a: [NaN] }), '/a/0'],
    ['Infinity', () => ({ a: Infinity }), '/a'],
    ['-Infinity', () => ({ a: -Infinity }), '/a'],
    ['2^53', () => ({ a: { b: 2 ** 53 } }), '/a/b'],
    ['-(2^53)', () => [-(2 ** 53)], '/0'],
    ['1e21 (an integer beyond 2^53)', () => ({ big: 1e21 }), '/big'],
    ['a lone high surrogate in a string', () => ({ s: 'ok\ud800' }), '/s'],
    ['a lone low surrogate in a string', () => ['\udc00x'], '/0'],
    ['a lone surrogate in a property name', () => ({ ['k\ud83d']: 1 }), '/k\ud83d'],
    ['undefined as a value', () => ({ a: undefined }), '/a'],
    ['undefined at the top', () => undefined, ''],
    ['undefined in an array', () => [1, undefined], '/1'],
    ['a sparse array', () => [1, , 3], '/1'], // eslint-disable-line no-sparse-arrays
    ['a function', () => ({ f: () => 1 }), '/f'],
    ['a symbol', () => ({ s: Symbol('x') }), '/s'],
    ['a bigint', () => ({ n: 1n }), '/n'],
    ['a Date', () => ({ at: new Date(0) }), '/at'],
    ['a Map', () => ({ m: new Map() }), '/m'],
    ['a class instance', () => ({ c: new (class Point {})() }), '/c'],
    ['a Uint8Array', () => ({ b: new Uint8Array(2) }), '/b'],
    ['a boxed string', () => ({ s: new String('x') }), '/s'],
    ['a key needing escaping in the pointer', () => ({ 'a/b~c': NaN }), '/a~1b~0c'],
  ];
  for (const [name, make, path] of cases) {
    test(`given ${name}, when canonicalized, then NOT_I_JSON at "${path}"`, () => {
      throwsFormat(() => canonicalize(make()), 'NOT_I_JSON', path);
      throwsFormat(() => assertIJson(make()), 'NOT_I_JSON', path);
    });
  }

  test('given a cyclic object, when canonicalized, then NOT_I_JSON at the cycle', () => {
    const o: Record<string, unknown> = { a: { b: {} } };
    (o['a'] as { b: Record<string, unknown> }).b['back'] = o;
    throwsFormat(() => canonicalize(o), 'NOT_I_JSON', '/a/b/back');
  });

  test('given a cyclic array, when canonicalized, then NOT_I_JSON', () => {
    const a: unknown[] = [1];
    a.push(a);
    throwsFormat(() => canonicalize(a), 'NOT_I_JSON', '/1');
  });

  test('given a shared (acyclic) subobject, when canonicalized, then it is serialized twice', () => {
    const shared = { x: 1 };
    assert.equal(canonicalize({ a: shared, b: shared }), '{"a":{"x":1},"b":{"x":1}}');
  });

  test(`given nesting deeper than ${MAX_DEPTH}, when canonicalized, then NESTING_TOO_DEEP`, () => {
    let v: unknown = 1;
    for (let i = 0; i < MAX_DEPTH + 1; i++) v = [v];
    throwsFormat(() => canonicalize(v), 'NESTING_TOO_DEEP');
    let ok: unknown = 1;
    for (let i = 0; i < MAX_DEPTH; i++) ok = [ok];
    assert.equal(canonicalize(ok), '['.repeat(MAX_DEPTH) + '1' + ']'.repeat(MAX_DEPTH));
  });
});
