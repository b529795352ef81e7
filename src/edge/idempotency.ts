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
}

export function writeContext(
  principal: Principal,
  route: string,
  key: unknown,
  now: Date = new Date(),
  /** Where the caller sent the key, for the error: the REST header or the GraphQL argument. */
  keyPath = 'header:Idempotency-Key',
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
  };
}
