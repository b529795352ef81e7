import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, equalBytes } from '../encoding.js';
import { FormatError } from '../errors.js';
import type { Ed25519 } from './ed25519-types.js';
import { strictVerify, type Equation } from './strict.js';

// @noble/ed25519 v3 needs a synchronous SHA-512 for its sync API.
ed.hashes.sha512 = sha512;

const L = 0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3edn;

function littleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] as number);
  return n;
}

function assertSecretKey(secretKey: unknown): asserts secretKey is Uint8Array {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) {
    throw new FormatError('BAD_KEY', 'an Ed25519 secret key is 32 bytes (the RFC 8032 seed)');
  }
}

/**
 * The cofactorless group equation, written with noble's Point API because noble's own verify
 * is cofactored (ZIP-215) by default, as OpenSSL computes it: accept iff
 * encode([S]B - [k]A) == R, with R decoded strictly first. Runs after the prechecks of
 * strictVerify (S < L, canonical R, acceptable A); exported for tests only.
 */
export const nobleEquation: Equation = (sig, msg, key) => {
  const r = sig.subarray(0, 32);
  ed.Point.fromBytes(r, false); // throws (-> false) unless R is a canonical curve point
  const s = littleEndian(sig.subarray(32, 64));
  const k = littleEndian(sha512(concatBytes(r, key.bytes, msg))) % L;
  const check = ed.Point.BASE.multiply(s, false).subtract(key.point.multiply(k, false));
  return equalBytes(check.toBytes(), r);
};

/** Ed25519 in portable JavaScript (@noble/ed25519), with the same strict verification as the node one. */
export const ed25519Noble: Ed25519 = {
  name: 'noble',
  sign(secretKey, message) {
    assertSecretKey(secretKey);
    return ed.sign(message, secretKey);
  },
  verify(signature, message, publicKey) {
    return strictVerify(signature, message, publicKey, nobleEquation);
  },
  getPublicKey(secretKey) {
    assertSecretKey(secretKey);
    return ed.getPublicKey(secretKey);
  },
};
