// The per-event shortcuts agree with their reference definitions (isTimestamp: test/timestamp.test.ts):
// the native hex / base64url decoders (used after a strict check) with strict decoding, i.e. only the one canonical spelling of each byte string is accepted.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { base64urlToBytes, bytesToBase64url, bytesToHex, hexToBytes } from '../src/index.js';
import { isBase64urlOfLength } from '../src/envelope/fields.js';
import { rng } from './helpers/random.js';

describe('fast field checks', () => {
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
