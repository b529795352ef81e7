import DataLoader from 'dataloader';
import type pg from 'pg';
import type { Principal } from '../../auth/principal.js';
import {
  approvalsOfRuns,
  decisionsByRun,
  waiversOfRuns,
  type ApprovalRow,
  type DecisionRow,
  type WaiverRow,
} from '../../projections/decisions/decisions.queries.js';
import { attachmentsOf, type BlueprintAttachmentRow } from '../../projections/blueprints/blueprints.queries.js';
import { managedKeyVersions, type ManagedKeyVersionRow } from '../../projections/managed-keys/managed-keys.queries.js';
import type { RunDetailRow } from '../../projections/runs/run-detail.queries.js';
import { evidenceBySha, type EvidenceRow } from '../../projections/evidence/evidence.queries.js';
import {
  checksOfRuns,
  evidenceReferences,
  stagesOfRuns,
  type CheckRow,
  type EvidenceRefRow,
  type StageRow,
} from '../../projections/runs/runs.queries.js';

/**
 * Per-operation batch loaders of the read models: every run, decision or digest asked for while
 * resolving one operation is fetched in one query per kind, so a page of runs with their stages,
 * checks and decisions costs a fixed number of queries whatever its size.
 */
export interface ReadModelLoaders {
  readonly stages: DataLoader<string, StageRow[]>;
  readonly checks: DataLoader<string, CheckRow[]>;
  readonly decision: DataLoader<string, DecisionRow | null>;
  readonly approvals: DataLoader<string, ApprovalRow[]>;
  readonly waivers: DataLoader<string, WaiverRow[]>;
  readonly evidence: DataLoader<string, EvidenceRow | null>;
  readonly evidenceRefs: DataLoader<string, EvidenceRefRow[]>;
  /** Keyed by `<blueprintId>@<version>`; every project (the resolver filters by scope). */
  readonly blueprintAttachments: DataLoader<string, BlueprintAttachmentRow[]>;
  readonly managedKeyVersions: DataLoader<string, ManagedKeyVersionRow[]>;
}

function many<V>(fetch: (keys: readonly string[]) => Promise<Map<string, V>>, missing: () => V): DataLoader<string, V> {
  return new DataLoader(async (keys) => {
    const found = await fetch(keys);
    return keys.map((k) => found.get(k) ?? missing());
  });
}

function create(pool: pg.Pool): ReadModelLoaders {
  return {
    stages: many(
      (k) => stagesOfRuns(pool, k),
      () => [],
    ),
    checks: many(
      (k) => checksOfRuns(pool, k),
      () => [],
    ),
    decision: many<DecisionRow | null>(
      (k) => decisionsByRun(pool, k),
      () => null,
    ),
    approvals: many(
      (k) => approvalsOfRuns(pool, k),
      () => [],
    ),
    waivers: many(
      (k) => waiversOfRuns(pool, k),
      () => [],
    ),
    evidence: many<EvidenceRow | null>(
      (k) => evidenceBySha(pool, k),
      () => null,
    ),
    evidenceRefs: many(
      (k) => evidenceReferences(pool, k),
      () => [],
    ),
    blueprintAttachments: many(
      (k) => attachmentsOf(pool, k, null),
      () => [],
    ),
    managedKeyVersions: many(
      (k) => managedKeyVersions(pool, k),
      () => [],
    ),
  };
}

const perContext = new WeakMap<object, ReadModelLoaders>();

/** The loaders of this operation's context (created on first use; the context object lives as long as the operation). */
export function readModelLoaders(ctx: object, pool: pg.Pool): ReadModelLoaders {
  let loaders = perContext.get(ctx);
  if (!loaders) {
    loaders = create(pool);
    perContext.set(ctx, loaders);
  }
  return loaders;
}

/**
 * Forgets this context's loaders, so the next field loads afresh. A subscription resolves every
 * message with the same context object: without this, a message would be served the rows cached
 * while resolving an earlier one.
 */
export function resetReadModelLoaders(ctx: object): void {
  perContext.delete(ctx);
}

/** Seeds the loaders with a run detail read in one statement, so its fields are not fetched again. */
export function primeRunDetail(loaders: ReadModelLoaders, d: RunDetailRow): void {
  const id = d.run.runId;
  loaders.stages.prime(id, d.stages);
  loaders.checks.prime(id, d.checks);
  loaders.decision.prime(id, d.decision);
  loaders.approvals.prime(id, d.approvals);
  loaders.waivers.prime(id, d.waivers);
}

/** null: every project; otherwise the projects the principal may read. */
export function scopeOf(principal: Principal): readonly string[] | null {
  return principal.projects === '*' ? null : principal.projects;
}

export function inScope(principal: Principal, projectId: string | null): boolean {
  return principal.projects === '*' || projectId === null || principal.projects.includes(projectId);
}

export const READERS = ['admin', 'operator', 'auditor', 'approver'] as const;
