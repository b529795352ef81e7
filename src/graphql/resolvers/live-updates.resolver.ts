import { Inject } from '@nestjs/common';
import { Args, Float, Resolver, Subscription } from '@nestjs/graphql';
import { LEDGER } from '../../app/tokens.js';
import { Roles } from '../../auth/decorators.js';
import type { Principal } from '../../auth/principal.js';
import { assertProjectScope, CurrentPrincipal } from '../../auth/scope.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { decisionsByRun, type DecisionRow } from '../../projections/decisions/decisions.queries.js';
import { runsById, type RunRow } from '../../projections/runs/runs.queries.js';
import { DecisionUpdate, DecisionUpdateFilter, RunUpdate, RunUpdateFilter } from '../types/live-update.type.js';
import { toDecision } from './decisions.resolver.js';
import { startPosition } from './live.js';
import { READERS, resetReadModelLoaders } from './read-model.loaders.js';
import { toRun } from './runs.resolver.js';
import { viewUpdates, type ViewFeed } from './view-updates.js';

type EventData = { stageId?: unknown; checkId?: unknown; waiverId?: unknown };
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

const RUN_FEED: ViewFeed<RunRow, RunUpdate> = {
  category: 'run',
  projection: 'runs',
  load: runsById,
  projectOf: (r) => r.projectId,
  statusOf: (r) => r.status,
  message: (e, env, row) => {
    const data = env.data as EventData;
    return Object.assign(new RunUpdate(), {
      position: e.position,
      eventType: e.type,
      occurredAt: env.occurredAt,
      runId: row.runId,
      projectId: row.projectId,
      stageId: text(data.stageId),
      checkId: text(data.checkId),
      run: toRun(row),
    });
  },
};

const DECISION_FEED: ViewFeed<DecisionRow, DecisionUpdate> = {
  category: 'decision',
  projection: 'decisions',
  load: decisionsByRun,
  projectOf: (r) => r.projectId,
  statusOf: (r) => r.status,
  message: (e, env, row) =>
    Object.assign(new DecisionUpdate(), {
      position: e.position,
      eventType: e.type,
      occurredAt: env.occurredAt,
      runId: row.runId,
      projectId: row.projectId,
      waiverId: text((env.data as EventData).waiverId),
      decision: toDecision(row),
    }),
};

/**
 * Every message is resolved with the subscription's one context object: forget the loaders of
 * the previous message so that nested fields (stages, checks, approvals...) are read afresh.
 */
function freshLoaders<T>(payload: T, _args: unknown, ctx: object): T {
  resetReadModelLoaders(ctx);
  return payload;
}

/** Live run and decision views (decision 0053), resumable by position like ledgerEvents. */
@Resolver()
export class LiveUpdatesResolver {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  @Subscription(() => RunUpdate, {
    description:
      'Run changes from fromPosition on (default: from now), catch-up then live, each with the run view once the runs read model has ' +
      'applied the event. Only runs of your projects. Resume from the last position + 1.',
    resolve: freshLoaders,
  })
  @Roles(...READERS)
  async runUpdates(
    @CurrentPrincipal() principal: Principal,
    @Args('fromPosition', { type: () => Float, nullable: true }) fromPosition: number | null,
    @Args('filter', { type: () => RunUpdateFilter, nullable: true }) filter: RunUpdateFilter | null,
  ): Promise<AsyncIterableIterator<RunUpdate>> {
    if (filter?.projectId != null) assertProjectScope(principal, filter.projectId);
    const from = await startPosition(this.ledger.store, fromPosition);
    return viewUpdates(this.ledger, RUN_FEED, from, filter, principal, READERS);
  }

  @Subscription(() => DecisionUpdate, {
    description:
      'Decision changes (policy verdict, approvals, vetoes, waivers, outcome) from fromPosition on, each with the decision view once ' +
      'the decisions read model has applied the event. Only decisions of your projects. Resume from the last position + 1.',
    resolve: freshLoaders,
  })
  @Roles(...READERS)
  async decisionUpdates(
    @CurrentPrincipal() principal: Principal,
    @Args('fromPosition', { type: () => Float, nullable: true }) fromPosition: number | null,
    @Args('filter', { type: () => DecisionUpdateFilter, nullable: true }) filter: DecisionUpdateFilter | null,
  ): Promise<AsyncIterableIterator<DecisionUpdate>> {
    if (filter?.projectId != null) assertProjectScope(principal, filter.projectId);
    const from = await startPosition(this.ledger.store, fromPosition);
    return viewUpdates(this.ledger, DECISION_FEED, from, filter, principal, READERS);
  }
}
