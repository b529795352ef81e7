import {
  assertIJson,
  FormatError,
  isActorId,
  isMetaId,
  isTimestamp,
  prepareSeal,
  type EventEnvelope,
  type UnsealedEnvelope,
} from 'ledger-verify';
import type { CommandMetadata, DomainEvent } from '../domain/decider.js';
import { ValidationError } from '../domain/errors.js';
import type { EventToAppend } from '../eventstore/port.js';
import { CanonicalRecord } from '../eventstore/validate-append.js';
import { eventIdFor } from './ids.js';
import type { Signer } from './keys/signer.js';

const ACTOR_KINDS = new Set(['user', 'service', 'worker', 'system']);

export interface StreamHead {
  /** Revision of the last event, -1 for a new stream. */
  readonly revision: number;
  readonly hash: string | null;
}

export interface Sealed {
  readonly envelopes: EventEnvelope[];
  readonly records: EventToAppend[];
}

export function assertMetadata(meta: CommandMetadata): void {
  const problems: { path: string; message: string }[] = [];
  // The field rules are the format's (ledger-verify); here they become field-level messages.
  if (!isTimestamp(meta.occurredAt)) {
    problems.push({ path: 'meta.occurredAt', message: 'expected RFC 3339 UTC with milliseconds, e.g. 2026-01-31T12:00:00.000Z' });
  }
  if (!isActorId(meta.actor.id)) {
    problems.push({
      path: 'meta.actor.id',
      message: 'expected a pseudonymous id (letters, digits, . _ : -), never a name or an e-mail address',
    });
  }
  if (!ACTOR_KINDS.has(meta.actor.kind)) problems.push({ path: 'meta.actor.kind', message: 'expected user, service, worker or system' });
  for (const k of ['commandId', 'correlationId', 'causationId'] as const) {
    if (!isMetaId(meta[k])) problems.push({ path: `meta.${k}`, message: 'expected 1 to 128 characters, no control characters' });
  }
  if (problems.length > 0) {
    throw new ValidationError(
      'INVALID_METADATA',
      `invalid command metadata: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      problems,
    );
  }
}

/**
 * Turns domain events into sealed envelopes, chained after `head` and signed by `signer`,
 * plus the records to append (the canonical JSON of each envelope, stored byte for byte).
 */
export async function seal(
  origin: string,
  stream: string,
  head: StreamHead,
  events: readonly DomainEvent[],
  meta: CommandMetadata,
  signer: Signer,
): Promise<Sealed> {
  const at = Date.parse(meta.occurredAt);
  const envelopes: EventEnvelope[] = [];
  const records: EventToAppend[] = [];
  let prev = head.hash;
  for (const [i, e] of events.entries()) {
    const unsealed: UnsealedEnvelope = {
      id: eventIdFor(meta.commandId, i, at),
      origin,
      stream,
      revision: head.revision + 1 + i,
      type: e.type,
      schema: 1,
      occurredAt: meta.occurredAt,
      actor: { id: meta.actor.id, kind: meta.actor.kind },
      meta: eventMeta(meta),
      data: e.data,
      prev,
    };
    let prepared: ReturnType<typeof prepareSeal>;
    try {
      prepared = prepareSeal(unsealed);
    } catch (caught) {
      // A payload that is not I-JSON (NaN, 2^53, a lone surrogate) is reported as such, with a
      // path inside the payload: only on this failure path is the payload walked again.
      let err = caught;
      try {
        assertIJson(e.data);
      } catch (payloadError) {
        err = payloadError;
      }
      if (err instanceof FormatError) {
        const path = err.code === 'NOT_I_JSON' ? `/data${err.path}` : err.path;
        throw new ValidationError(err.code, `event ${e.type} cannot be recorded: ${err.message} (at ${path || '/'})`, [
          { path, message: err.message },
        ]);
      }
      throw err;
    }
    const { envelope, canonical } = prepared.complete(signer.kid, await signer.sign(prepared.payload));
    envelopes.push(envelope);
    records.push(new CanonicalRecord(envelope.id, envelope.type, canonical));
    prev = prepared.hash;
  }
  return { envelopes, records };
}

function eventMeta(m: CommandMetadata): UnsealedEnvelope['meta'] {
  return {
    correlationId: m.correlationId,
    causationId: m.causationId,
    commandId: m.commandId,
    ...(m.intentId !== undefined ? { intentId: m.intentId } : {}),
    ...(m.planId !== undefined ? { planId: m.planId } : {}),
    ...(m.ticketId !== undefined ? { ticketId: m.ticketId } : {}),
  };
}
