import { Inject } from '@nestjs/common';
import { Args, Context, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { LEDGER } from '../../app/tokens.js';
import { Roles } from '../../auth/decorators.js';
import type { Principal } from '../../auth/principal.js';
import { assertProjectScope, CurrentPrincipal } from '../../auth/scope.js';
import { ValidationError } from '../../domain/errors.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { runDetail } from '../../projections/runs/run-detail.queries.js';
import { queryRuns, type CheckRow, type RunRow, type StageRow } from '../../projections/runs/runs.queries.js';
import { Decision } from '../types/decision.type.js';
import { Run, RunCheck, RunFilter, RunPage, RunStage } from '../types/run.type.js';
import { toDecision } from './decisions.resolver.js';
import { inScope, primeRunDetail, READERS, readModelLoaders, scopeOf } from './read-model.loaders.js';
import { assertPageSize, assertTimeWindow } from '../arguments.js';

export const MAX_RUN_PAGE = 200;

@Resolver(() => Run)
export class RunsResolver {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  @Query(() => RunPage, { description: 'Runs newest first, filtered, with cursor pagination; only projects your credentials cover.' })
  @Roles(...READERS)
  async runs(
    @CurrentPrincipal() principal: Principal,
    @Args('filter', { type: () => RunFilter, nullable: true }) filter: RunFilter | null,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<RunPage> {
    assertPageSize(first, MAX_RUN_PAGE);
    if (filter?.projectId) assertProjectScope(principal, filter.projectId);
    assertTimeWindow(filter);
    const { rows, hasNextPage } = await queryRuns(this.ledger.pool, {
      projects: scopeOf(principal),
      projectId: filter?.projectId ?? undefined,
      status: filter?.status ?? undefined,
      blueprintId: filter?.blueprintId ?? undefined,
      blueprintVersion: filter?.blueprintVersion ?? undefined,
      from: filter?.from ?? undefined,
      to: filter?.to ?? undefined,
      before: after == null ? undefined : decodeRunCursor(after),
      first,
    });
    const last = rows.at(-1);
    return { items: rows.map(toRun), pageInfo: { endCursor: last ? encodeRunCursor(last) : after, hasNextPage } };
  }

  @Query(() => Run, { nullable: true, description: 'One run; null when it does not exist or your credentials do not cover its project.' })
  @Roles(...READERS)
  async run(@CurrentPrincipal() principal: Principal, @Args('id') id: string, @Context() ctx: object): Promise<Run | null> {
    // One statement for the run and everything under it (decision 0056); the loaders are primed
    // with its parts, so the stages, checks, decision, approvals and waivers fields query nothing.
    const detail = await runDetail(this.ledger.pool, id);
    if (!detail || !inScope(principal, detail.run.projectId)) return null;
    primeRunDetail(readModelLoaders(ctx, this.ledger.pool), detail);
    return toRun(detail.run);
  }

  @ResolveField(() => [RunStage], { description: 'Stages in plan order (batched).' })
  async stages(@Parent() run: Run, @Context() ctx: object): Promise<RunStage[]> {
    return (await readModelLoaders(ctx, this.ledger.pool).stages.load(run.id)).map(toStage);
  }

  @ResolveField(() => [RunCheck], { description: 'Checks in plan order with their last attempt (batched).' })
  async checks(
    @Parent() run: Run,
    @Context() ctx: object,
    @Args('status', { type: () => String, nullable: true, description: 'e.g. FAIL' }) status: string | null,
  ): Promise<RunCheck[]> {
    const rows = await readModelLoaders(ctx, this.ledger.pool).checks.load(run.id);
    return rows.filter((c) => status == null || c.status === status).map(toCheck);
  }

  @ResolveField(() => Decision, { nullable: true, description: 'The decision on this run (batched).' })
  async decision(@Parent() run: Run, @Context() ctx: object): Promise<Decision | null> {
    const row = await readModelLoaders(ctx, this.ledger.pool).decision.load(run.id);
    return row ? toDecision(row) : null;
  }
}

export function toRun(r: RunRow): Run {
  return Object.assign(new Run(), {
    id: r.runId,
    projectId: r.projectId,
    environment: r.environment,
    status: r.status,
    blueprint: { id: r.blueprintId, version: r.blueprintVersion, digest: r.blueprintDigest },
    triggerKind: r.triggerKind,
    trigger: JSON.stringify(r.trigger),
    initiator: r.initiator,
    inputs: JSON.stringify(r.inputs),
    requestedAt: r.requestedAt,
    finishedAt: r.finishedAt,
    reasons: r.reasons,
  });
}

function toStage(s: StageRow): RunStage {
  return Object.assign(new RunStage(), {
    id: s.stageId,
    name: s.name,
    status: s.status,
    dependsOn: s.dependsOn,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    skipReason: s.skipReason,
    failedChecks: s.failedChecks,
  });
}

function toCheck(c: CheckRow): RunCheck {
  return Object.assign(new RunCheck(), {
    id: c.checkId,
    stageId: c.stageId,
    type: c.checkType,
    required: c.required,
    status: c.status,
    attempt: c.attempt,
    workerId: c.workerId,
    thresholds: JSON.stringify(c.thresholds),
    metrics: Object.entries(c.metrics).map(([name, value]) => ({ name, value })),
    findings: c.findings.map((f) => ({
      id: f.id,
      severity: f.severity,
      category: f.category ?? null,
      rule: f.rule ?? null,
      message: f.message ?? null,
    })),
    evidence: c.evidence.map((digest) => ({ digest })),
    tool: c.tool,
    error: c.error,
    startedAt: c.startedAt,
    finishedAt: c.finishedAt,
  });
}

export function encodeRunCursor(r: RunRow): string {
  return Buffer.from(`run:${r.requestedAt}|${r.runId}`).toString('base64url');
}

export function decodeRunCursor(cursor: string): { requestedAt: string; runId: string } {
  const m = /^run:([^|]{10,40})\|(.{1,200})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m || Number.isNaN(Date.parse(m[1]!)))
    throw new ValidationError('INVALID_CURSOR', 'after must be a cursor returned in pageInfo.endCursor');
  return { requestedAt: m[1]!, runId: m[2]! };
}
