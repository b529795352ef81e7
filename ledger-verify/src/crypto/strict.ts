// The strict RFC 8032 rules shared by both Ed25519 implementations, so that they cannot
// disagree: byte-level prechecks on every signature, and per-key checks cached per public key.
import { Point } from '@noble/ed25519';
import { bytesToHex } from '../encoding.js';

// L = 2^252 + 27742317777372353535851937790883648493, little-endian.
const L_LE = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0x10,
]);

/** S (bytes 32..63 of the signature, little-endian) < L. RFC 8032 section 5.1.7 step 1. */
export function isCanonicalScalar(sig: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const s = sig[32 + i] as number;
    const l = L_LE[i] as number;
    if (s !== l) return s < l;
  }
  return false; // S == L
}

/**
 * A canonical point encoding: y < p = 2^255 - 19, and the sign bit is clear when x = 0
 * (x = 0 exactly when y = 1 or y = p - 1). Whether y is on the curve is left to decoding.
 */
export function isCanonicalPointEncoding(b: Uint8Array, offset = 0): boolean {
  const top = (b[offset + 31] as number) & 0x7f;
  const signBit = ((b[offset + 31] as number) & 0x80) !== 0;
  let middleAllFF = true;
  let middleAllZero = true;
  for (let i = 1; i < 31; i++) {
    const v = b[offset + i] as number;
    if (v !== 0xff) middleAllFF = false;
    if (v !== 0) middleAllZero = false;
  }
  const first = b[offset] as number;
  if (top === 0x7f && middleAllFF) {
    if (first >= 0xed) return false; // y >= p
    if (first === 0xec && signBit) return false; // y = p - 1, x = 0, sign bit set
  }
  if (top === 0 && middleAllZero && first === 1 && signBit) return false; // y = 1, x = 0, sign bit set
  return true;
}

/** A public key that passed every per-key rule, with what each implementation caches for it. */
export interface AcceptedKey {
  readonly bytes: Uint8Array;
  readonly point: Point;
  /** Slot for the node implementation's KeyObject. */
  nodeKey: unknown;
}

export type KeyRejection = 'BAD_LENGTH' | 'NON_CANONICAL' | 'NOT_ON_CURVE' | 'SMALL_ORDER' | 'NOT_IN_PRIME_ORDER_SUBGROUP';

const MAX_CACHED_KEYS = 4096;
const cache = new Map<string, AcceptedKey | KeyRejection>();

/**
 * The per-key rules: canonical encoding, on the curve, not of small order, and in the
 * prime-order subgroup ([L]A = identity). A key made by RFC 8032 key generation always
 * passes; the last rule also refuses keys with a small-order component, which verify some
 * signatures under cofactorless and not under cofactored equations (or vice versa).
 */
export function acceptedKey(publicKey: Uint8Array): AcceptedKey | KeyRejection {
  // The same array is usually passed for every signature of a key: found by identity, then
  // its bytes compared (the array may have been changed since).
  const seen = byArray.get(publicKey);
  if (seen !== undefined && sameBytes(seen.bytes, publicKey)) return seen.result;
  const result = byContent(publicKey);
  byArray.set(publicKey, { bytes: Uint8Array.from(publicKey), result });
  return result;
}

const byArray = new WeakMap<Uint8Array, { readonly bytes: Uint8Array; readonly result: AcceptedKey | KeyRejection }>();

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function byContent(publicKey: Uint8Array): AcceptedKey | KeyRejection {
  const id = bytesToHex(publicKey);
  const hit = cache.get(id);
  if (hit !== undefined) return hit;
  const result = evaluate(publicKey);
  if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value as string);
  cache.set(id, result);
  return result;
}

function evaluate(publicKey: Uint8Array): AcceptedKey | KeyRejection {
  if (!isCanonicalPointEncoding(publicKey)) return 'NON_CANONICAL';
  let point: Point;
  try {
    point = Point.fromBytes(publicKey, false);
  } catch {
    return 'NOT_ON_CURVE';
  }
  if (point.isSmallOrder()) return 'SMALL_ORDER';
  if (!point.isTorsionFree()) return 'NOT_IN_PRIME_ORDER_SUBGROUP';
  return { bytes: Uint8Array.from(publicKey), point, nodeKey: undefined };
}

/** Public form of the per-key rules: 'OK' or why the key is refused (the cached state stays private). */
export function checkPublicKey(publicKey: Uint8Array): 'OK' | KeyRejection {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return 'BAD_LENGTH';
  const key = acceptedKey(publicKey);
  return typeof key === 'string' ? key : 'OK';
}

// The canonical encodings of the 8 points of small order (the torsion subgroup).
const SMALL_ORDER_ENCODINGS: readonly Uint8Array[] = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
].map((h) => Uint8Array.from(h.match(/../g) as string[], (b) => parseInt(b, 16)));

/**
 * Is R (bytes 0..31 of the signature) one of the 8 small-order points? OpenSSL 3.5 (Node 24)
 * rejects such an R while older OpenSSL (Node 20) and the bare RFC 8032 equation accept it;
 * an honest signer never makes one (it needs r = 0 mod L). Rejecting it in both
 * implementations keeps their decisions identical on every runtime.
 */
export function isSmallOrderR(sig: Uint8Array): boolean {
  return SMALL_ORDER_ENCODINGS.some((e) => e.every((b, i) => sig[i] === b));
}

export type Equation = (sig: Uint8Array, msg: Uint8Array, key: AcceptedKey) => boolean;

/**
 * Strict verification around an implementation's group equation: wrong types or lengths,
 * S >= L, a non-canonical or small-order R and an unacceptable public key all return false
 * before the equation runs. Never throws.
 */
export function strictVerify(sig: unknown, msg: unknown, publicKey: unknown, equation: Equation): boolean {
  if (!(sig instanceof Uint8Array) || sig.length !== 64) return false;
  if (!(msg instanceof Uint8Array)) return false;
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
  if (!isCanonicalScalar(sig) || !isCanonicalPointEncoding(sig, 0) || isSmallOrderR(sig)) return false;
  const key = acceptedKey(publicKey);
  if (typeof key === 'string') return false;
  try {
    return equation(sig, msg, key);
  } catch {
    return false;
  }
}
