import type pg from 'pg';
import type { ApprovalRow, DecisionRow, WaiverRow } from '../decisions/decisions.queries.js';
import type { CheckRow, RunRow, StageRow } from './runs.queries.js';

/** One run with everything its detail page shows, as the batched queries would return it. */
export interface RunDetailRow {
  readonly run: RunRow;
  readonly stages: StageRow[];
  readonly checks: CheckRow[];
  readonly decision: DecisionRow | null;
  readonly approvals: ApprovalRow[];
  readonly waivers: WaiverRow[];
}

const TS = (c: string, as: string): string => `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "${as}"`;

/**
 * The run, its stages and checks (plan order), its decision, approvals and waivers in ONE statement
 * (decision 0056): each part is a JSON aggregate of the same columns, names and formats as the
 * batched queries of runs.queries.ts and decisions.queries.ts, all read through the primary keys
 * in one round trip and one snapshot. Used by the GraphQL `run(id)` field; lists keep the loaders.
 */
const RUN_DETAIL_SQL = `
SELECT json_build_object(
  'run', row_to_json(r),
  'stages', COALESCE((SELECT json_agg(s) FROM (
      SELECT run_id AS "runId", stage_id AS "stageId", name, status, depends_on AS "dependsOn", ${TS('started_at', 'startedAt')},
        ${TS('finished_at', 'finishedAt')}, skip_reason AS "skipReason", skip_detail AS "skipDetail", failed_checks AS "failedChecks"
      FROM ql_run_stages WHERE run_id = $1 ORDER BY ord) s), '[]'),
  'checks', COALESCE((SELECT json_agg(c) FROM (
      SELECT run_id AS "runId", check_id AS "checkId", stage_id AS "stageId", check_type AS "checkType", required, thresholds, status,
        attempt, worker_id AS "workerId", metrics, findings, evidence, tool, error, ${TS('started_at', 'startedAt')},
        ${TS('finished_at', 'finishedAt')}
      FROM ql_run_checks WHERE run_id = $1 ORDER BY ord) c), '[]'),
  'decision', (SELECT row_to_json(d) FROM (
      SELECT run_id AS "runId", project_id AS "projectId", environment, status, initiator, quorum, approval,
        blueprint_digest AS "blueprintDigest", verdict, explanation, policy_digest AS "policyDigest", engine_version AS "engineVersion",
        inputs_digest AS "inputsDigest", ${TS('evaluated_at', 'evaluatedAt')}, evaluated_by AS "evaluatedBy", waiver_ids AS "waiverIds",
        reasons, ${TS('opened_at', 'openedAt')}, ${TS('decided_at', 'decidedAt')}
      FROM ql_decisions WHERE run_id = $1) d),
  'approvals', COALESCE((SELECT json_agg(a) FROM (
      SELECT run_id AS "runId", kind, actor_id AS "actorId", role, comment, ${TS('at', 'at')}
      FROM ql_decision_approvals WHERE run_id = $1 ORDER BY position) a), '[]'),
  'waivers', COALESCE((SELECT json_agg(w) FROM (
      SELECT run_id AS "runId", waiver_id AS "waiverId", target_kind AS "targetKind", target_ref AS "targetRef", granted_by AS "grantedBy",
        role, justification, ${TS('expires_at', 'expiresAt')}, ${TS('granted_at', 'grantedAt')}, status, ${TS('ended_at', 'endedAt')},
        end_reason AS "endReason"
      FROM ql_decision_waivers WHERE run_id = $1 ORDER BY granted_at, waiver_id) w), '[]')
) AS doc
FROM (
  SELECT run_id AS "runId", project_id AS "projectId", environment, status, blueprint_id AS "blueprintId",
    blueprint_version AS "blueprintVersion", blueprint_digest AS "blueprintDigest", trigger_kind AS "triggerKind", trigger,
    initiator, inputs, ${TS('requested_at', 'requestedAt')}, ${TS('queued_at', 'queuedAt')}, ${TS('started_at', 'startedAt')},
    ${TS('finished_at', 'finishedAt')}, reasons, cancel_reason AS "cancelReason", requested_position::float8 AS "requestedPosition"
  FROM ql_runs WHERE run_id = $1
) r`;

/** The detail of one run in one statement; undefined when there is no such run. */
export async function runDetail(pool: pg.Pool, runId: string): Promise<RunDetailRow | undefined> {
  const { rows } = await pool.query<{ doc: RunDetailRow }>({ name: 'ql_run_detail', text: RUN_DETAIL_SQL, values: [runId] });
  return rows[0]?.doc;
}
