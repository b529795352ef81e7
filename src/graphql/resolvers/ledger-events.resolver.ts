import { Inject } from '@nestjs/common';
import { Args, Float, Resolver, Subscription } from '@nestjs/graphql';
import type { EventEnvelope } from 'ledger-verify';
import { LEDGER } from '../../app/tokens.js';
import { Roles } from '../../auth/decorators.js';
import type { Principal } from '../../auth/principal.js';
import { assertAllProjects, CurrentPrincipal } from '../../auth/scope.js';
import { ValidationError } from '../../domain/errors.js';
import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { categoryOf } from '../../projections/audit-trail/audit-trail.projection.js';
import { LedgerEvent, LedgerEventFilter } from '../types/ledger-event.type.js';

@Resolver(() => LedgerEvent)
export class LedgerEventsResolver {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  @Subscription(() => LedgerEvent, {
    description:
      'Every event from fromPosition on (default: from now), catch-up then live, in global order. Resume from the last position + 1.',
    resolve: (event: LedgerEvent) => event,
  })
  @Roles('admin', 'operator', 'auditor')
  async ledgerEvents(
    @CurrentPrincipal() principal: Principal,
    @Args('fromPosition', { type: () => Float, nullable: true }) fromPosition: number | null,
    @Args('filter', { type: () => LedgerEventFilter, nullable: true }) filter: LedgerEventFilter | null,
  ): Promise<AsyncIterableIterator<LedgerEvent>> {
    assertAllProjects(principal);
    if (fromPosition != null && (!Number.isSafeInteger(fromPosition) || fromPosition < 0)) {
      throw new ValidationError('INVALID_POSITION', `fromPosition must be an integer >= 0 (got ${fromPosition})`);
    }
    const from = fromPosition ?? (await this.ledger.store.headPosition());
    return liveEvents(this.ledger.store, from, filter);
  }
}

/**
 * The store's subscription as an iterator whose return() ends it at once (an async generator
 * waiting for the next event would only see a return() after that event arrived).
 */
export function liveEvents(store: EventStore, from: number, filter: LedgerEventFilter | null): AsyncIterableIterator<LedgerEvent> {
  const abort = new AbortController();
  const types = filter?.types && filter.types.length > 0 ? new Set(filter.types) : undefined;
  async function* run(): AsyncGenerator<LedgerEvent> {
    for await (const e of store.subscribeToAll({ fromPosition: from, signal: abort.signal })) {
      if (types && !types.has(e.type)) continue;
      if (filter?.stream && e.stream !== filter.stream) continue;
      if (filter?.category && categoryOf(e.stream) !== filter.category) continue;
      yield toLedgerEvent(e);
    }
  }
  const inner = run();
  const iterator: AsyncIterableIterator<LedgerEvent> = {
    next: () => inner.next(),
    return: async (value?: unknown) => {
      abort.abort();
      await inner.return(undefined);
      return { done: true, value: value as LedgerEvent };
    },
    throw: async (e?: unknown) => {
      abort.abort();
      return inner.throw(e);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

function toLedgerEvent(e: RecordedEvent): LedgerEvent {
  const env = JSON.parse(e.data) as EventEnvelope;
  return Object.assign(new LedgerEvent(), {
    position: e.position,
    stream: e.stream,
    revision: e.revision,
    id: e.id,
    type: e.type,
    occurredAt: env.occurredAt,
    actorId: env.actor.id,
    hash: env.hash,
    envelope: e.data,
  });
}
