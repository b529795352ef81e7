/** A domain event as the domain sees it: a type tag and its payload. */
export interface DomainEvent<T extends string = string, D = unknown> {
  readonly type: T;
  readonly data: D;
}

/**
 * An aggregate as a pair of pure functions (emmett style). `decide` throws a typed
 * LedgerError for an illegal command; an expected business failure is an event.
 */
export interface Decider<C, E extends DomainEvent, S> {
  readonly initialState: S;
  evolve(state: S, event: E): S;
  decide(command: C, state: S): readonly E[];
}

export type ActorKind = 'user' | 'service' | 'worker' | 'system';

/** Who did it, when, and why: provided by the edge, never read from a clock here. */
export interface CommandMetadata {
  readonly commandId: string;
  /** RFC 3339 UTC with milliseconds. */
  readonly occurredAt: string;
  /** A pseudonymous principal id: never an e-mail address or a name. */
  readonly actor: { readonly id: string; readonly kind: ActorKind };
  readonly correlationId: string;
  readonly causationId: string;
  readonly intentId?: string;
  readonly planId?: string;
  readonly ticketId?: string;
}

export function fold<E extends DomainEvent, S>(decider: Pick<Decider<unknown, E, S>, 'initialState' | 'evolve'>, events: readonly E[]): S {
  return events.reduce(decider.evolve, decider.initialState);
}
