import type { EventEnvelope } from 'ledger-verify';
import type { Decider, DomainEvent } from '../../domain/decider.js';
import type { EventStore } from '../../eventstore/port.js';

/** Fold a stream (another aggregate's, read-only) to its current state, keeping its events. */
export async function foldStream<E extends DomainEvent, S>(
  store: EventStore,
  stream: string,
  decider: Pick<Decider<unknown, E, S>, 'initialState' | 'evolve'>,
): Promise<{ readonly state: S; readonly events: readonly E[] }> {
  const events = (await store.readStream(stream)).map((r) => {
    const e = JSON.parse(r.data) as EventEnvelope;
    return { type: e.type, data: e.data } as E;
  });
  return { state: events.reduce(decider.evolve, decider.initialState), events };
}
