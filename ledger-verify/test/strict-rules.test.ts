// Each layer of strict verification on its own: the prechecks shared by both implementations,
// and the noble group equation without them. (Layers overlap on purpose; these tests make sure
// that removing any one of them is noticed.)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as noble from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { nobleEquation } from '../src/crypto/ed25519-noble.js';
import { acceptedKey, isCanonicalPointEncoding, isCanonicalScalar, type AcceptedKey } from '../src/crypto/strict.js';
import { KEY1 } from './helpers/ledger.js';
import { hex, loadVectors } from './helpers/vectors.js';

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const P = 2n ** 255n - 19n;

function le32(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}
function le(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] as number);
  return n;
}
function sigWithS(s: bigint): Uint8Array {
  return Uint8Array.from([...new Uint8Array(32), ...le32(s)]);
}

interface EdgeCases {
  smallOrderPoints: { points: { encoding: string; nonCanonical: string[] }[] };
}

describe('precheck: S < L', () => {
  for (const [name, s, ok] of [
    ['0', 0n, true],
    ['L - 1', L - 1n, true],
    ['L', L, false],
    ['L + 1', L + 1n, false],
    ['2^253', 2n ** 253n, false],
    ['2^256 - 1', 2n ** 256n - 1n, false],
  ] as const) {
    test(`given S = ${name}, when checked, then ${ok ? 'canonical' : 'refused'}`, () => {
      assert.equal(isCanonicalScalar(sigWithS(s)), ok);
    });
  }
});

describe('precheck: canonical point encodings', () => {
  const edge = loadVectors<EdgeCases>('ed25519-edge-cases.json');
  test('given the canonical small-order encodings, when checked, then they are canonical (small order is a separate rule)', () => {
    for (const p of edge.smallOrderPoints.points) assert.equal(isCanonicalPointEncoding(hex(p.encoding)), true, p.encoding);
  });
  test('given every listed non-canonical encoding, when checked, then refused', () => {
    const all = edge.smallOrderPoints.points.flatMap((p) => p.nonCanonical);
    assert.equal(all.length, 6);
    for (const e of all) assert.equal(isCanonicalPointEncoding(hex(e)), false, e);
  });
  test('given y from p - 1 to 2^255 - 1 with and without the sign bit, when checked, then only y = p - 1 without sign bit passes', () => {
    for (let y = P - 1n; y < 2n ** 255n; y++) {
      for (const sign of [0n, 1n]) {
        const expected = y === P - 1n && sign === 0n;
        assert.equal(isCanonicalPointEncoding(le32(y | (sign << 255n))), expected, `y=p+${y - P} sign=${sign}`);
      }
    }
  });
  test('given an offset, when checked, then the 32 bytes at that offset are checked (R inside a signature)', () => {
    const sig = Uint8Array.from([...le32(1n | (1n << 255n)), ...new Uint8Array(32)]);
    assert.equal(isCanonicalPointEncoding(sig, 0), false);
    assert.equal(isCanonicalPointEncoding(sig, 32), true);
  });
});

describe('noble group equation without prechecks', () => {
  const key = acceptedKey(KEY1.publicKey) as AcceptedKey;
  const a = noble.utils.getExtendedPublicKey(KEY1.secretKey).scalar;
  const msg = new TextEncoder().encode('m');
  const forge = (rBytes: Uint8Array): Uint8Array => {
    const k = le(sha512(Uint8Array.from([...rBytes, ...KEY1.publicKey, ...msg]))) % L;
    return Uint8Array.from([...rBytes, ...le32((k * a) % L)]);
  };
  const safely = (fn: () => boolean): boolean => {
    try {
      return fn();
    } catch {
      return false;
    }
  };

  test('given a canonical identity R with S = k*a, when the equation runs, then it holds', () => {
    assert.equal(nobleEquation(forge(le32(1n)), msg, key), true);
  });

  test('given the identity encoded as x = 0 with the sign bit, or with y = p + 1, when the equation runs, then it fails', () => {
    assert.equal(
      safely(() => nobleEquation(forge(le32(1n | (1n << 255n))), msg, key)),
      false,
    );
    assert.equal(
      safely(() => nobleEquation(forge(le32(P + 1n)), msg, key)),
      false,
    );
  });

  test('given a real signature, when the equation runs, then it holds, and not for another message', () => {
    const sig = noble.sign(msg, KEY1.secretKey);
    assert.equal(nobleEquation(sig, msg, key), true);
    assert.equal(nobleEquation(sig, new Uint8Array([1]), key), false);
  });
});
