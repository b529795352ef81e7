// The per-event shortcuts agree with their reference definitions: isTimestamp (arithmetic)
// with a Date round trip, and the native hex / base64url decoders (used after a strict check)
// with strict decoding, i.e. only the one canonical spelling of each byte string is accepted.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { base64urlToBytes, bytesToBase64url, bytesToHex, hexToBytes, isTimestamp } from '../src/index.js';
import { isBase64urlOfLength } from '../src/envelope/fields.js';

function referenceTimestamp(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(v)) return false;
  const t = Date.parse(v);
  return !Number.isNaN(t) && new Date(t).toISOString() === v;
}

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('fast field checks', () => {
  test('isTimestamp agrees with a Date round trip (leap years, month ends, hour 24, second 60, year 0)', () => {
    const years = ['0000', '0001', '0004', '1900', '1970', '2000', '2023', '2024', '2100', '2400', '9999'];
    const times = ['00:00:00.000', '23:59:59.999', '24:00:00.000', '23:60:00.000', '23:59:60.000', '12:30:45.123'];
    let n = 0;
    for (const y of years)
      for (let m = 0; m <= 13; m++)
        for (let d = 0; d <= 32; d++)
          for (const t of times) {
            const v = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T${t}Z`;
            assert.equal(isTimestamp(v), referenceTimestamp(v), v);
            n++;
          }
    for (const v of ['2024-02-29T00:00:00.000z', '2024-02-29 00:00:00.000Z', '2024-02-29T00:00:00Z', '+2024-02-29T00:00:00.000Z', 42, null])
      assert.equal(isTimestamp(v), false, String(v));
    assert.ok(n > 20_000);
  });

  test('hex and base64url decoding accept exactly the canonical spelling of some bytes', () => {
    const r = rng(7);
    const hexAlphabet = '0123456789abcdefABCDEFg ';
    const b64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=.';
    for (let i = 0; i < 20_000; i++) {
      const len = Math.floor(r() * 100);
      const pick = (alphabet: string, p: number): string =>
        Array.from({ length: len }, () => alphabet[Math.floor(r() * (r() < p ? alphabet.length : 16))]).join('');
      const hex = pick(hexAlphabet, 0.02);
      const h = hexToBytes(hex);
      const hexOk = hex.length % 2 === 0 && /^[0-9a-f]*$/.test(hex);
      assert.equal(h !== undefined, hexOk, hex);
      if (h) {
        assert.equal(bytesToHex(h), hex);
        assert.equal(Object.getPrototypeOf(h), Uint8Array.prototype);
      }
      const b64 = Array.from({ length: len }, () => b64Alphabet[Math.floor(r() * (r() < 0.02 ? b64Alphabet.length : 64))]).join('');
      const b = base64urlToBytes(b64);
      const canonical = /^[A-Za-z0-9_-]*$/.test(b64) && b64.length % 4 !== 1 && bytesToBase64url(Buffer.from(b64, 'base64url')) === b64;
      assert.equal(b !== undefined, canonical, b64);
      if (b) {
        assert.equal(bytesToBase64url(b), b64);
        assert.equal(Object.getPrototypeOf(b), Uint8Array.prototype);
      }
      assert.equal(isBase64urlOfLength(b64, 64), canonical && b?.length === 64, b64);
    }
    // Signatures: 86 characters; the last one carries 2 bits.
    for (let i = 0; i < 64; i++) {
      const v = `${'A'.repeat(85)}${'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[i]}`;
      assert.equal(isBase64urlOfLength(v, 64), base64urlToBytes(v)?.length === 64, v);
      assert.equal(isBase64urlOfLength(v, 64), i % 16 === 0, v);
    }
  });
});
