import { Inject } from '@nestjs/common';
import { Args, Float, Resolver, Subscription } from '@nestjs/graphql';
import type { EventEnvelope } from 'ledger-verify';
import { LEDGER } from '../../app/tokens.js';
import { Roles } from '../../auth/decorators.js';
import type { Principal } from '../../auth/principal.js';
import { assertAllProjects, assertProjectScope, CurrentPrincipal } from '../../auth/scope.js';
import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { categoryOf } from '../../projections/audit-trail/audit-trail.projection.js';
import { LedgerEvent, LedgerEventFilter } from '../types/ledger-event.type.js';
import { abortable, startPosition } from './live.js';
import { inScope } from './read-model.loaders.js';
import { StreamProjects } from './stream-projects.js';

@Resolver(() => LedgerEvent)
export class LedgerEventsResolver {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  @Subscription(() => LedgerEvent, {
    description:
      'Every event from fromPosition on (default: from now), catch-up then live, in global order. Resume from the last position + 1. ' +
      'Needs the scope of all projects, unless filter.projectId names a project of yours.',
    resolve: (event: LedgerEvent) => event,
  })
  @Roles('admin', 'operator', 'auditor')
  async ledgerEvents(
    @CurrentPrincipal() principal: Principal,
    @Args('fromPosition', { type: () => Float, nullable: true }) fromPosition: number | null,
    @Args('filter', { type: () => LedgerEventFilter, nullable: true }) filter: LedgerEventFilter | null,
  ): Promise<AsyncIterableIterator<LedgerEvent>> {
    if (filter?.projectId != null) assertProjectScope(principal, filter.projectId);
    else assertAllProjects(principal);
    const from = await startPosition(this.ledger.store, fromPosition);
    return liveEvents(this.ledger.store, from, filter, principal);
  }
}

/**
 * The store's subscription, filtered by type, stream, category and project. With a project
 * filter, every message is checked again against the principal's scope before it goes out.
 */
export function liveEvents(
  store: EventStore,
  from: number,
  filter: LedgerEventFilter | null,
  principal?: Principal,
): AsyncIterableIterator<LedgerEvent> {
  const types = filter?.types && filter.types.length > 0 ? new Set(filter.types) : undefined;
  const projects = filter?.projectId != null ? new StreamProjects(store) : undefined;
  return abortable(async function* (signal) {
    for await (const e of store.subscribeToAll({ fromPosition: from, signal })) {
      if (types && !types.has(e.type)) continue;
      if (filter?.stream && e.stream !== filter.stream) continue;
      if (filter?.category && categoryOf(e.stream) !== filter.category) continue;
      if (projects) {
        const project = await projects.of(e.stream);
        if (project !== filter!.projectId || (principal && !inScope(principal, project))) continue;
      }
      yield toLedgerEvent(e);
    }
  });
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
