import { bytesToBase64url } from '../encoding.js';
import { FormatError } from '../errors.js';
import { canonicalize } from '../jcs.js';
import { sha256HexOfText } from '../crypto/sha.js';
import { isKid } from './fields.js';
import { EVENT_HASH_PREFIX, signingPayload } from './hash.js';
import { parseUnsealedEnvelope } from './parse.js';
import type { EventEnvelope, UnsealedEnvelope } from './types.js';

export interface PreparedSeal<D = unknown> {
  /** hashEvent() of the envelope. */
  readonly hash: string;
  /** signingPayload(hash): what the signer signs. */
  readonly payload: Uint8Array;
  /** Attaches the signature; returns the sealed envelope and its RFC 8785 canonical JSON. */
  complete(kid: string, signature: Uint8Array): { envelope: EventEnvelope<D>; canonical: string };
}

/**
 * The writer's fast path, for a signer that lives elsewhere (an async port, a KMS): validates
 * the unsealed envelope once and canonicalizes each top-level member once. The hash input and
 * the sealed envelope's canonical text are assembled from the same member texts, so they are
 * byte-identical to hashEvent() and canonicalize() of the sealed envelope (tested).
 */
export function prepareSeal<D>(unsealed: UnsealedEnvelope<D>): PreparedSeal<D> {
  const parsed = parseUnsealedEnvelope(unsealed) as UnsealedEnvelope<D>;
  const record = parsed as unknown as Record<string, unknown>;
  // Envelope keys are ASCII: a plain sort is the RFC 8785 (UTF-16 code unit) order.
  const members: Array<[string, string]> = Object.keys(record)
    .sort()
    .map((k) => [k, `${JSON.stringify(k)}:${canonicalize(record[k])}`]);
  const join = (list: ReadonlyArray<[string, string]>): string => `{${list.map(([, text]) => text).join(',')}}`;
  const hash = sha256HexOfText(EVENT_HASH_PREFIX + join(members));
  const payload = signingPayload(hash);
  return {
    hash,
    payload,
    complete(kid, signature) {
      if (!isKid(kid)) throw new FormatError('BAD_KID', 'a kid is 32 lowercase hex characters');
      if (!(signature instanceof Uint8Array) || signature.length !== 64) {
        throw new FormatError('BAD_SIGNATURE_BYTES', 'an Ed25519 signature is 64 bytes');
      }
      const sig = { kid, alg: 'Ed25519' as const, val: bytesToBase64url(signature) };
      const envelope: EventEnvelope<D> = { ...parsed, hash, sig };
      const sealed: Array<[string, string]> = [
        ...members,
        ['hash', `"hash":${JSON.stringify(hash)}`],
        ['sig', `"sig":${canonicalize(sig)}`],
      ];
      sealed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return { envelope, canonical: join(sealed) };
    },
  };
}
