import type pg from 'pg';
import type { DecisionEvent, WaiverTarget } from '../../domain/decision/types.js';
import type { Projection, ProjectedEvent } from '../projection.js';
import { eventsOf, jsonb, pipelinedWrites } from '../rm-common/sql.js';
import { DECISIONS_MIGRATIONS } from './migrations.js';

/**
 * Decisions on runs (streams `decision-<runId>`): the policy verdict with its explanation and the
 * digests it was computed from, approvals and vetoes (one row per event, keyed by position),
 * waivers with their life cycle, and the final outcome with its reasons.
 */
export const decisionsProjection: Projection = {
  name: 'decisions',
  version: 1,
  migrations: DECISIONS_MIGRATIONS,
  tables: ['ql_decisions', 'ql_decision_approvals', 'ql_decision_waivers'],
  categories: ['decision'],
  async apply(events: readonly ProjectedEvent[], client: pg.PoolClient): Promise<void> {
    const { tx, flush } = pipelinedWrites(client);
    for (const { event, id: runId, e } of eventsOf<DecisionEvent>(events, 'decision')) {
      await applyDecisionEvent(tx, runId, event, e);
    }
    await flush();
  },
};

export function waiverTarget(t: WaiverTarget): { kind: 'check' | 'finding' | 'condition'; ref: string } {
  if ('check' in t) return { kind: 'check', ref: t.check };
  if ('finding' in t) return { kind: 'finding', ref: t.finding };
  return { kind: 'condition', ref: t.condition };
}

async function decision(tx: pg.PoolClient, runId: string, position: number, set: string, params: unknown[]): Promise<void> {
  await tx.query(`UPDATE ql_decisions SET updated_position = $2, ${set} WHERE run_id = $1`, [runId, position, ...params]);
}

async function waiver(tx: pg.PoolClient, runId: string, waiverId: string, set: string, params: unknown[]): Promise<void> {
  await tx.query(`UPDATE ql_decision_waivers SET ${set} WHERE run_id = $1 AND waiver_id = $2`, [runId, waiverId, ...params]);
}

async function applyDecisionEvent(tx: pg.PoolClient, runId: string, event: DecisionEvent, e: ProjectedEvent): Promise<void> {
  const position = e.recorded.position;
  switch (event.type) {
    case 'DecisionOpened': {
      const d = event.data;
      await tx.query(
        `INSERT INTO ql_decisions (run_id, project_id, environment, status, initiator, approval, quorum, blueprint_digest, opened_at,
           updated_position)
         VALUES ($1, $2, $3, 'PENDING', $4, $5, $6, $7, $8, $9)
         ON CONFLICT (run_id) DO UPDATE SET status = 'PENDING', updated_position = $9`,
        [runId, d.projectId, d.environment, d.initiator, jsonb(d.approval), d.quorum, d.blueprintDigest, d.at, position],
      );
      return;
    }
    case 'PolicyEvaluated': {
      const d = event.data;
      return decision(
        tx,
        runId,
        position,
        `verdict = $3, explanation = $4, policy_digest = $5, engine_version = $6, inputs_digest = $7, evaluated_at = $8,
         evaluated_by = $9, waiver_ids = $10, blueprint_digest = $11`,
        [
          d.verdict,
          jsonb(d.explanation),
          d.policyDigest,
          d.engineVersion,
          d.inputsDigest,
          d.evaluatedAt,
          d.recordedBy,
          jsonb(d.waiverIds),
          d.blueprintDigest,
        ],
      );
    }
    case 'ApprovalGranted':
    case 'DecisionVetoed': {
      const approval = event.type === 'ApprovalGranted';
      const d = event.data;
      await tx.query(
        `INSERT INTO ql_decision_approvals (run_id, position, kind, actor_id, role, comment, at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT DO NOTHING`,
        approval
          ? [runId, position, 'APPROVAL', event.data.approver, d.role, event.data.comment, d.at]
          : [runId, position, 'VETO', event.data.by, d.role, event.data.reason, d.at],
      );
      return decision(tx, runId, position, 'status = status', []);
    }
    case 'WaiverGranted': {
      const d = event.data;
      const t = waiverTarget(d.target);
      await tx.query(
        `INSERT INTO ql_decision_waivers (run_id, waiver_id, target_kind, target_ref, granted_by, role, justification, expires_at,
           granted_at, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'ACTIVE')
         ON CONFLICT (run_id, waiver_id) DO UPDATE SET status = 'ACTIVE', ended_at = NULL, ended_by = NULL, end_reason = NULL`,
        [runId, d.waiverId, t.kind, t.ref, d.grantedBy, d.role, d.justification, d.expiresAt, d.at],
      );
      return decision(tx, runId, position, 'status = status', []);
    }
    case 'WaiverRevoked':
      await waiver(tx, runId, event.data.waiverId, `status = 'REVOKED', ended_at = $3, ended_by = $4, end_reason = $5`, [
        event.data.at,
        event.data.by,
        event.data.reason,
      ]);
      return decision(tx, runId, position, 'status = status', []);
    case 'WaiverExpired':
      await waiver(tx, runId, event.data.waiverId, `status = 'EXPIRED', ended_at = $3, ended_by = NULL, end_reason = $4`, [
        event.data.at,
        `expired at ${event.data.expiresAt}`,
      ]);
      return decision(tx, runId, position, 'status = status', []);
    case 'DecisionApproved':
      return decision(tx, runId, position, `status = 'APPROVED', decided_at = $3, reasons = $4`, [
        event.data.at,
        jsonb(event.data.reasons),
      ]);
    case 'DecisionRejected':
      return decision(tx, runId, position, `status = 'REJECTED', decided_at = $3, reasons = $4`, [
        event.data.at,
        jsonb(event.data.reasons),
      ]);
  }
}
