import { Inject } from '@nestjs/common';
import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { LEDGER } from '../../app/tokens.js';
import { Roles } from '../../auth/decorators.js';
import type { Principal } from '../../auth/principal.js';
import { CurrentPrincipal } from '../../auth/scope.js';
import { ValidationError } from '../../domain/errors.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { queryLineage, type LineageNodeRow } from '../../projections/lineage/lineage.queries.js';
import { kindOfNode } from '../../projections/lineage/nodes.js';
import { ImpactAnalysis, LineageDirectionGql, LineageGraph, LineageNode } from '../types/lineage.type.js';
import { READERS, scopeOf } from './read-model.loaders.js';

export const MAX_LINEAGE_DEPTH = 10;
export const MAX_LINEAGE_NODES = 5000;

function checkNode(node: string): void {
  if (node.length > 400 || !kindOfNode(node)) {
    throw new ValidationError(
      'INVALID_NODE',
      'node must be one of dataset:<id>@<version>, model:<name>@<digest>, commit:<sha>, blueprint:<id>@<version>, run:<id>, decision:<runId>',
    );
  }
}

function toNode(n: LineageNodeRow): LineageNode {
  return Object.assign(new LineageNode(), { ...n, attrs: JSON.stringify(n.attrs) });
}

@Resolver()
export class LineageResolver {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  @Query(() => LineageGraph, { description: `The lineage around a node, up to depth hops (at most ${MAX_LINEAGE_DEPTH}).` })
  @Roles(...READERS)
  async lineage(
    @CurrentPrincipal() principal: Principal,
    @Args('node') node: string,
    @Args('direction', { type: () => LineageDirectionGql, defaultValue: LineageDirectionGql.BOTH }) direction: LineageDirectionGql,
    @Args('depth', { type: () => Int, defaultValue: 3 }) depth: number,
  ): Promise<LineageGraph> {
    checkNode(node);
    if (depth < 1 || depth > MAX_LINEAGE_DEPTH)
      throw new ValidationError('INVALID_DEPTH', `depth must be from 1 to ${MAX_LINEAGE_DEPTH} (got ${depth})`);
    const r = await queryLineage(this.ledger.pool, { node, direction, depth, projects: scopeOf(principal), maxNodes: MAX_LINEAGE_NODES });
    return {
      root: r.root ? toNode(r.root) : null,
      nodes: r.nodes.map(toNode),
      edges: r.edges.map((e) => ({ kind: e.kind, upstream: e.up, downstream: e.down })),
      truncated: r.truncated,
    };
  }

  @Query(() => ImpactAnalysis, {
    description: `What depends on a node (downstream, up to ${MAX_LINEAGE_DEPTH} hops): models, runs, decisions, datasets.`,
  })
  @Roles(...READERS)
  async impactAnalysis(@CurrentPrincipal() principal: Principal, @Args('node') node: string): Promise<ImpactAnalysis> {
    checkNode(node);
    const r = await queryLineage(this.ledger.pool, {
      node,
      direction: 'DOWNSTREAM',
      depth: MAX_LINEAGE_DEPTH,
      projects: scopeOf(principal),
      maxNodes: MAX_LINEAGE_NODES,
    });
    const affected = r.nodes.filter((n) => n.depth > 0);
    const of = (kind: string): LineageNode[] => affected.filter((n) => n.kind === kind).map(toNode);
    const approvedDecision = affected.some((n) => n.kind === 'DECISION' && n.attrs['status'] === 'APPROVED');
    const approvedModel = r.edges.some((e) => e.kind === 'APPROVED' && affected.some((n) => n.id === e.up));
    const severity =
      approvedDecision || approvedModel ? 'HIGH' : affected.some((n) => n.kind === 'MODEL' || n.kind === 'RUN') ? 'MEDIUM' : 'LOW';
    return {
      node,
      severity,
      affectedModels: of('MODEL'),
      affectedRuns: of('RUN'),
      affectedDecisions: of('DECISION'),
      affectedDatasets: of('DATASET'),
      truncated: r.truncated,
    };
  }
}
