export type ActorKind = 'user' | 'service' | 'worker' | 'system';

/** Who caused the event: a pseudonymous principal id, never an e-mail address or a name. */
export interface Actor {
  readonly id: string;
  readonly kind: ActorKind;
}

export interface EventMeta {
  readonly correlationId: string;
  readonly causationId: string;
  readonly commandId: string;
  readonly intentId?: string;
  readonly planId?: string;
  readonly ticketId?: string;
}

export interface EventSignature {
  /** First 16 bytes, lowercase hex, of SHA-256 of the raw public key. */
  readonly kid: string;
  readonly alg: 'Ed25519';
  /** base64url (no padding) of the 64-byte signature over signingPayload(hash). */
  readonly val: string;
}

/** An event before sealing: everything the hash covers. */
export interface UnsealedEnvelope<D = unknown> {
  /** UUIDv7, lowercase. */
  readonly id: string;
  readonly origin: string;
  /** `<category>-<id>`. */
  readonly stream: string;
  /** 0-based position in the stream. */
  readonly revision: number;
  readonly type: string;
  /** Payload schema version, >= 1. */
  readonly schema: number;
  /** RFC 3339 UTC with milliseconds: YYYY-MM-DDTHH:MM:SS.sssZ. */
  readonly occurredAt: string;
  readonly actor: Actor;
  readonly meta: EventMeta;
  readonly data: D;
  /** Hash of the previous event of the stream; null at revision 0. */
  readonly prev: string | null;
}

/** A sealed event as stored and exported. */
export interface EventEnvelope<D = unknown> extends UnsealedEnvelope<D> {
  /** Lowercase hex SHA-256 (see hashEvent). */
  readonly hash: string;
  readonly sig: EventSignature;
}

export const ENVELOPE_FIELDS = [
  'id',
  'origin',
  'stream',
  'revision',
  'type',
  'schema',
  'occurredAt',
  'actor',
  'meta',
  'data',
  'prev',
] as const;
export const SEALED_FIELDS = [...ENVELOPE_FIELDS, 'hash', 'sig'] as const;
