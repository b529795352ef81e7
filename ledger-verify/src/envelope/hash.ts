import { sha256HexOfText } from '../crypto/sha.js';
import { hexToBytes, isLowerHex, utf8 } from '../encoding.js';
import { FormatError } from '../errors.js';
import { canonicalizeWithout } from '../jcs.js';
import type { UnsealedEnvelope } from './types.js';

/** Domain separation prefix of the event hash. */
export const EVENT_HASH_PREFIX = 'qledger/event/v1\n';
/** Domain separation prefix of the signed message. */
export const EVENT_SIG_PREFIX = 'qledger/event-sig/v1\n';

const NOT_HASHED: ReadonlySet<string> = new Set(['hash', 'sig']);

/**
 * The event hash: lowercase hex SHA-256("qledger/event/v1\n" || UTF-8(JCS(envelope without
 * `hash` and `sig`))). Accepts a sealed or unsealed envelope; does not validate its shape
 * (see parseEnvelope) but throws FormatError NOT_I_JSON for a value that is not I-JSON.
 */
export function hashEvent(envelope: UnsealedEnvelope): string {
  return sha256HexOfText(EVENT_HASH_PREFIX + canonicalizeWithout(envelope, NOT_HASHED));
}

const SIG_PREFIX_BYTES = utf8(EVENT_SIG_PREFIX);

/**
 * The bytes an event signature covers: "qledger/event-sig/v1\n" followed by the 32 raw bytes
 * of the hash (53 bytes). Throws FormatError BAD_HASH unless `hashHex` is 64 lowercase hex.
 */
export function signingPayload(hashHex: string): Uint8Array {
  const raw = isLowerHex(hashHex, 64) ? hexToBytes(hashHex) : undefined;
  if (raw === undefined) throw new FormatError('BAD_HASH', 'an event hash is 64 lowercase hex characters');
  return signingPayloadOf(raw);
}

/** {@link signingPayload} of a hash already decoded (32 bytes). */
export function signingPayloadOf(hash: Uint8Array): Uint8Array {
  const out = new Uint8Array(SIG_PREFIX_BYTES.length + 32);
  out.set(SIG_PREFIX_BYTES, 0);
  out.set(hash, SIG_PREFIX_BYTES.length);
  return out;
}
