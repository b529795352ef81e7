import { Inject } from '@nestjs/common';
import { Args, Context, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { LEDGER } from '../../app/tokens.js';
import { Roles } from '../../auth/decorators.js';
import type { Principal } from '../../auth/principal.js';
import { assertProjectScope, CurrentPrincipal } from '../../auth/scope.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { decisionsByRun, listDecisions, type DecisionRow } from '../../projections/decisions/decisions.queries.js';
import { Decision, DecisionApproval, DecisionWaiver } from '../types/decision.type.js';
import { inScope, READERS, readModelLoaders, scopeOf } from './read-model.loaders.js';
import { assertPageSize } from '../arguments.js';

@Resolver(() => Decision)
export class DecisionsResolver {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  @Query(() => Decision, { nullable: true, description: 'The decision on a run; null when there is none or its project is not yours.' })
  @Roles(...READERS)
  async decision(@CurrentPrincipal() principal: Principal, @Args('runId') runId: string): Promise<Decision | null> {
    const row = (await decisionsByRun(this.ledger.pool, [runId])).get(runId);
    return row && inScope(principal, row.projectId) ? toDecision(row) : null;
  }

  @Query(() => [Decision], { description: 'Decisions newest first, of the projects your credentials cover.' })
  @Roles(...READERS)
  async decisions(
    @CurrentPrincipal() principal: Principal,
    @Args('projectId', { type: () => String, nullable: true }) projectId: string | null,
    @Args('status', { type: () => String, nullable: true }) status: string | null,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
  ): Promise<Decision[]> {
    assertPageSize(first, 200);
    if (projectId) assertProjectScope(principal, projectId);
    const rows = await listDecisions(this.ledger.pool, {
      projects: scopeOf(principal),
      projectId: projectId ?? undefined,
      status: status ?? undefined,
      first,
    });
    return rows.map(toDecision);
  }

  @ResolveField(() => [DecisionApproval], { description: 'Approvals and vetoes in order (batched).' })
  async approvals(@Parent() d: Decision, @Context() ctx: object): Promise<DecisionApproval[]> {
    const rows = await readModelLoaders(ctx, this.ledger.pool).approvals.load(d.runId);
    return rows.map((a) =>
      Object.assign(new DecisionApproval(), { kind: a.kind, actorId: a.actorId, role: a.role, comment: a.comment, at: a.at }),
    );
  }

  @ResolveField(() => [DecisionWaiver], { description: 'Waivers with their status (batched).' })
  async waivers(@Parent() d: Decision, @Context() ctx: object): Promise<DecisionWaiver[]> {
    const rows = await readModelLoaders(ctx, this.ledger.pool).waivers.load(d.runId);
    return rows.map((w) => Object.assign(new DecisionWaiver(), { ...w, id: w.waiverId }));
  }
}

export function toDecision(r: DecisionRow): Decision {
  return Object.assign(new Decision(), {
    runId: r.runId,
    projectId: r.projectId,
    environment: r.environment,
    status: r.status,
    initiator: r.initiator,
    quorum: r.quorum,
    requiredRoles: r.approval.requiredRoles ?? [],
    verdict: r.verdict,
    explanation: r.explanation === null ? null : JSON.stringify(r.explanation),
    blueprintDigest: r.blueprintDigest,
    policyDigest: r.policyDigest,
    engineVersion: r.engineVersion,
    inputsDigest: r.inputsDigest,
    evaluatedAt: r.evaluatedAt,
    waiverIds: r.waiverIds,
    reasons: r.reasons,
    openedAt: r.openedAt,
    decidedAt: r.decidedAt,
  });
}
