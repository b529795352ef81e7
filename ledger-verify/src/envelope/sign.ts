import { ed25519, type Ed25519 } from '../crypto/ed25519.js';
import { sha256 } from '../crypto/sha.js';
import { base64urlToBytes, bytesToHex } from '../encoding.js';
import { FormatError } from '../errors.js';
import { isHash, isPlainObject } from './fields.js';
import { hashEvent, signingPayload } from './hash.js';
import { parseEnvelope } from './parse.js';
import { prepareSeal } from './prepare.js';
import type { EventEnvelope, UnsealedEnvelope } from './types.js';

const kidCache = new Map<string, string>();
const MAX_CACHED_KIDS = 4096;

/** Key id: the first 16 bytes of SHA-256(raw 32-byte public key), lowercase hex. */
export function kidOf(publicKey: Uint8Array): string {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) {
    throw new FormatError('BAD_KEY', 'an Ed25519 public key is 32 raw bytes');
  }
  // Verification asks for the kid of the same few keys over and over; hex + lookup is cheaper than SHA-256.
  const id = bytesToHex(publicKey);
  let kid = kidCache.get(id);
  if (kid === undefined) {
    kid = bytesToHex(sha256(publicKey).subarray(0, 16));
    if (kidCache.size >= MAX_CACHED_KIDS) kidCache.delete(kidCache.keys().next().value as string);
    kidCache.set(id, kid);
  }
  return kid;
}

export interface SigningKey {
  /** The 32-byte RFC 8032 seed. */
  readonly secretKey: Uint8Array;
  /** Its public key, if already known (saves deriving it); it must belong to secretKey. */
  readonly publicKey?: Uint8Array;
}

/**
 * Attaches a hash and a signature made elsewhere (a KMS, an HSM, an async Signer port) to an
 * unsealed envelope. Validates the envelope, recomputes the hash (FormatError HASH_MISMATCH if
 * `hashHex` is not this envelope's hash) and checks the formats of kid and signature.
 */
export function sealEnvelope<D>(unsealed: UnsealedEnvelope<D>, hashHex: string, kid: string, signature: Uint8Array): EventEnvelope<D> {
  const prepared = prepareSeal(unsealed);
  if (!isHash(hashHex)) throw new FormatError('BAD_HASH', 'an event hash is 64 lowercase hex characters');
  if (prepared.hash !== hashHex) throw new FormatError('HASH_MISMATCH', 'the hash given is not the hash of this envelope');
  return prepared.complete(kid, signature).envelope;
}

/** Hashes and signs an unsealed envelope with a local key. */
export function signEvent<D>(unsealed: UnsealedEnvelope<D>, key: SigningKey, impl: Ed25519 = ed25519): EventEnvelope<D> {
  const prepared = prepareSeal(unsealed);
  const publicKey = key.publicKey ?? impl.getPublicKey(key.secretKey);
  return prepared.complete(kidOf(publicKey), impl.sign(key.secretKey, prepared.payload)).envelope;
}

/**
 * Checks the signature of an envelope against a public key: sig.alg is Ed25519, sig.kid is
 * kidOf(publicKey), sig.val is strict base64url of 64 bytes, and it is a valid strict Ed25519
 * signature of signingPayload(envelope.hash). Does not recompute the hash (see verifyEvent).
 * Never throws.
 */
export function verifyEventSignature(envelope: unknown, publicKey: Uint8Array, impl: Ed25519 = ed25519): boolean {
  if (!isPlainObject(envelope) || !(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
  const sig = envelope['sig'];
  const hash = envelope['hash'];
  if (!isPlainObject(sig) || sig['alg'] !== 'Ed25519' || !isHash(hash)) return false;
  const val = sig['val'];
  if (typeof val !== 'string' || sig['kid'] !== kidOf(publicKey)) return false;
  const bytes = base64urlToBytes(val);
  if (bytes === undefined || bytes.length !== 64) return false;
  return impl.verify(bytes, signingPayload(hash), publicKey);
}

export type VerifyEventFailure = 'MALFORMED_ENVELOPE' | 'HASH_MISMATCH' | 'KID_MISMATCH' | 'BAD_SIGNATURE';

export type VerifyEventResult = { readonly ok: true } | { readonly ok: false; readonly code: VerifyEventFailure; readonly message: string };

/** Full check of one untrusted envelope against a known public key: shape, hash, kid, signature. */
export function verifyEvent(envelope: unknown, publicKey: Uint8Array, impl: Ed25519 = ed25519): VerifyEventResult {
  let parsed: EventEnvelope;
  try {
    parsed = parseEnvelope(envelope);
  } catch (e) {
    if (e instanceof FormatError)
      return { ok: false, code: 'MALFORMED_ENVELOPE', message: `${e.message}${e.path ? ` (at ${e.path})` : ''}` };
    throw e;
  }
  const recomputed = hashEvent(parsed);
  if (recomputed !== parsed.hash) {
    return { ok: false, code: 'HASH_MISMATCH', message: `the envelope hashes to ${recomputed}, not to its stated hash ${parsed.hash}` };
  }
  let kid: string;
  try {
    kid = kidOf(publicKey);
  } catch {
    return { ok: false, code: 'KID_MISMATCH', message: 'the public key is not 32 bytes' };
  }
  if (parsed.sig.kid !== kid) return { ok: false, code: 'KID_MISMATCH', message: `signed by key ${parsed.sig.kid}, not by ${kid}` };
  if (!verifyEventSignature(parsed, publicKey, impl))
    return { ok: false, code: 'BAD_SIGNATURE', message: `the signature of key ${kid} does not verify` };
  return { ok: true };
}
