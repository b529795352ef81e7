import type { EventEnvelope } from 'ledger-verify';
import type { Decider, DomainEvent } from '../domain/decider.js';
import type { EventStore } from '../eventstore/port.js';

/**
 * Folds a stream as it is in the store now (no cache): for queries that must not answer from a
 * stale copy. The revision (-1: no stream) lets a write that relied on it be fenced on it.
 */
export async function readState<E extends DomainEvent, S>(
  store: EventStore,
  stream: string,
  decider: Pick<Decider<unknown, E, S>, 'initialState' | 'evolve'>,
): Promise<{ readonly state: S; readonly revision: number }> {
  let state = decider.initialState;
  let revision = -1;
  for (const r of await store.readStream(stream)) {
    const envelope = JSON.parse(r.data) as EventEnvelope;
    state = decider.evolve(state, { type: envelope.type, data: envelope.data } as E);
    revision = r.revision;
  }
  return { state, revision };
}
