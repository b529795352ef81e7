import { createHash } from 'node:crypto';
import type { Principal } from '../auth/principal.js';
import type { CommandMetadata } from '../domain/decider.js';
import { newId } from '../ledger/ids.js';
import { invalidInput } from './invalid-input.js';

/** Printable ASCII, 1 to 200 characters (a UUID, a CI job id, a hash...). */
const KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * The write context of one request, REST or GraphQL (decisions 0041, 0050): who, when, and the command id. With an
 * `Idempotency-Key` header the command id derives from (actor, route, key), so a replay of the
 * same request is recognised by the ledger (the command is already in the stream) and answers
 * the same without writing. Without the header every request is a new command.
 */
export interface WriteContext {
  readonly meta: CommandMetadata;
  /** A deterministic id for something the request creates (a run id), or a fresh one. */
  derivedId(purpose: string, length?: number): string;
  readonly idempotent: boolean;
  /**
   * With a key: the SHA-256 of the route and the request as sent (body or mutation input, key
   * order ignored), which a replay must match (IdempotencyKeys.claim). Undefined without a key.
   */
  readonly requestDigest: string | undefined;
}

/** A JSON-like value as text with every object's keys sorted (byte arrays by their SHA-256): equal requests, equal text. */
export function requestFingerprint(request: unknown): string {
  if (request instanceof Uint8Array) return `bytes:${createHash('sha256').update(request).digest('hex')}`;
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sorted((v as Record<string, unknown>)[k]);
    return out;
  };
  return JSON.stringify(sorted(request)) ?? 'undefined';
}

export function writeContext(
  principal: Principal,
  route: string,
  key: unknown,
  now: Date = new Date(),
  /** Where the caller sent the key, for the error: the REST header or the GraphQL argument. */
  keyPath = 'header:Idempotency-Key',
  /** The request as sent (REST body, GraphQL input), which a replay with the same key must repeat. */
  request: unknown = undefined,
): WriteContext {
  if (key !== undefined && (typeof key !== 'string' || !KEY.test(key))) {
    throw invalidInput([{ path: keyPath, message: 'printable ASCII without spaces, 1 to 200 characters' }]);
  }
  const seed = typeof key === 'string' ? `qledger/idempotency/v1\n${principal.actorId}\n${route}\n${key}` : undefined;
  const digest = (purpose: string) =>
    createHash('sha256')
      .update(`${seed ?? newId(now.getTime())}\n${purpose}`)
      .digest('hex');
  const commandId = seed === undefined ? newId(now.getTime()) : `idem:${digest('command').slice(0, 40)}`;
  return {
    meta: {
      commandId,
      occurredAt: now.toISOString(),
      actor: { id: principal.actorId, kind: principal.actorKind },
      correlationId: commandId,
      causationId: commandId,
    },
    derivedId: (purpose, length = 20) => digest(purpose).slice(0, length),
    idempotent: seed !== undefined,
    requestDigest: seed === undefined ? undefined : digest(`request\n${requestFingerprint(request)}`),
  };
}
