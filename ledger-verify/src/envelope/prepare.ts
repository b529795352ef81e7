import { bytesToBase64url } from '../encoding.js';
import { FormatError } from '../errors.js';
import { canonicalize } from '../jcs.js';
import { sha256HexOfText } from '../crypto/sha.js';
import { isKid } from './fields.js';
import { EVENT_HASH_PREFIX, signingPayload } from './hash.js';
import { parseUnsealedEnvelopeShallow, walkData } from './parse.js';
import { ENVELOPE_FIELDS, type EventEnvelope, type UnsealedEnvelope } from './types.js';

export interface PreparedSeal<D = unknown> {
  /** hashEvent() of the envelope. */
  readonly hash: string;
  /** signingPayload(hash): what the signer signs. */
  readonly payload: Uint8Array;
  /** Attaches the signature; returns the sealed envelope and its RFC 8785 canonical JSON. */
  complete(kid: string, signature: Uint8Array): { envelope: EventEnvelope<D>; canonical: string };
}

// The members of an unsealed envelope in RFC 8785 order (ASCII keys: a plain sort is the UTF-16
// code unit order), each with its `"key":` prefix, and where `hash` and `sig` fall among them.
const SORTED: readonly string[] = [...ENVELOPE_FIELDS].sort();
const PREFIXES: readonly string[] = SORTED.map((k) => `${JSON.stringify(k)}:`);
const HASH_AT = SORTED.findIndex((k) => k > 'hash');
const SIG_AT = SORTED.findIndex((k) => k > 'sig');

/** Canonical text of one top-level member; strings and numbers were validated by the parser. */
function memberText(key: string, v: unknown): string {
  if (key === 'data') return walkData(v, canonicalize);
  if (typeof v === 'string' && v.isWellFormed()) return JSON.stringify(v);
  return canonicalize(v);
}

/**
 * The writer's fast path, for a signer that lives elsewhere (an async port, a KMS): validates
 * the unsealed envelope once and canonicalizes each top-level member once (the payload is
 * walked once: canonicalizing it is also its I-JSON check). The hash input and the sealed
 * envelope's canonical text are assembled from the same member texts, so they are
 * byte-identical to hashEvent() and canonicalize() of the sealed envelope (tested).
 */
export function prepareSeal<D>(unsealed: UnsealedEnvelope<D>): PreparedSeal<D> {
  const parsed = parseUnsealedEnvelopeShallow(unsealed) as UnsealedEnvelope<D>;
  const record = parsed as unknown as Record<string, unknown>;
  const texts = SORTED.map((k, i) => PREFIXES[i] + memberText(k, record[k]));
  const beforeHash = texts.slice(0, HASH_AT).join(',');
  const beforeSig = texts.slice(HASH_AT, SIG_AT).join(',');
  const afterSig = texts.slice(SIG_AT).join(',');
  const hash = sha256HexOfText(`${EVENT_HASH_PREFIX}{${beforeHash},${beforeSig},${afterSig}}`);
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
      // A literal (not a spread): one object shape for every envelope.
      const envelope: EventEnvelope<D> = {
        id: parsed.id,
        origin: parsed.origin,
        stream: parsed.stream,
        revision: parsed.revision,
        type: parsed.type,
        schema: parsed.schema,
        occurredAt: parsed.occurredAt,
        actor: parsed.actor,
        meta: parsed.meta,
        data: parsed.data,
        prev: parsed.prev,
        hash,
        sig,
      };
      // kid is lowercase hex and val base64url: nothing to escape; the members of sig in JCS order.
      const sigText = `"sig":{"alg":"Ed25519","kid":"${kid}","val":"${sig.val}"}`;
      return { envelope, canonical: `{${beforeHash},"hash":"${hash}",${beforeSig},${sigText},${afterSig}}` };
    },
  };
}
