import type pg from 'pg';

export interface DecisionRow {
  readonly runId: string;
  readonly projectId: string;
  readonly environment: string;
  readonly status: string;
  readonly initiator: string;
  readonly quorum: number;
  readonly approval: { requiredRoles: string[] };
  readonly blueprintDigest: string;
  readonly verdict: string | null;
  readonly explanation: unknown;
  readonly policyDigest: string | null;
  readonly engineVersion: string | null;
  readonly inputsDigest: string | null;
  readonly evaluatedAt: string | null;
  readonly evaluatedBy: string | null;
  readonly waiverIds: string[];
  readonly reasons: string[];
  readonly openedAt: string;
  readonly decidedAt: string | null;
}

export interface ApprovalRow {
  readonly runId: string;
  readonly kind: 'APPROVAL' | 'VETO';
  readonly actorId: string;
  readonly role: string;
  readonly comment: string;
  readonly at: string;
}

export interface WaiverRow {
  readonly runId: string;
  readonly waiverId: string;
  readonly targetKind: string;
  readonly targetRef: string;
  readonly grantedBy: string;
  readonly role: string;
  readonly justification: string;
  readonly expiresAt: string;
  readonly grantedAt: string;
  readonly status: string;
  readonly endedAt: string | null;
  readonly endReason: string | null;
}

const TS = (c: string, as: string): string => `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "${as}"`;

const COLUMNS = `run_id AS "runId", project_id AS "projectId", environment, status, initiator, quorum, approval,
  blueprint_digest AS "blueprintDigest", verdict, explanation, policy_digest AS "policyDigest", engine_version AS "engineVersion",
  inputs_digest AS "inputsDigest", ${TS('evaluated_at', 'evaluatedAt')}, evaluated_by AS "evaluatedBy", waiver_ids AS "waiverIds",
  reasons, ${TS('opened_at', 'openedAt')}, ${TS('decided_at', 'decidedAt')}`;

export async function decisionsByRun(pool: pg.Pool, runIds: readonly string[]): Promise<Map<string, DecisionRow>> {
  const { rows } = await pool.query<DecisionRow>(`SELECT ${COLUMNS} FROM ql_decisions WHERE run_id = ANY($1::text[])`, [runIds]);
  return new Map(rows.map((r) => [r.runId, r]));
}

/** Decisions of the given projects (null: all), newest first. */
export async function listDecisions(
  pool: pg.Pool,
  q: { projects: readonly string[] | null; projectId?: string; status?: string; first: number },
): Promise<DecisionRow[]> {
  const { rows } = await pool.query<DecisionRow>(
    `SELECT ${COLUMNS} FROM ql_decisions
     WHERE ($1::text[] IS NULL OR project_id = ANY($1)) AND ($2::text IS NULL OR project_id = $2) AND ($3::text IS NULL OR status = $3)
     ORDER BY opened_at DESC, run_id DESC LIMIT $4`,
    [q.projects, q.projectId ?? null, q.status ?? null, q.first],
  );
  return rows;
}

export async function approvalsOfRuns(pool: pg.Pool, runIds: readonly string[]): Promise<Map<string, ApprovalRow[]>> {
  const { rows } = await pool.query<ApprovalRow>(
    `SELECT run_id AS "runId", kind, actor_id AS "actorId", role, comment, ${TS('at', 'at')}
     FROM ql_decision_approvals WHERE run_id = ANY($1::text[]) ORDER BY run_id, position`,
    [runIds],
  );
  const out = new Map<string, ApprovalRow[]>();
  for (const r of rows) out.set(r.runId, [...(out.get(r.runId) ?? []), r]);
  return out;
}

export async function waiversOfRuns(pool: pg.Pool, runIds: readonly string[]): Promise<Map<string, WaiverRow[]>> {
  const { rows } = await pool.query<WaiverRow>(
    `SELECT run_id AS "runId", waiver_id AS "waiverId", target_kind AS "targetKind", target_ref AS "targetRef", granted_by AS "grantedBy",
       role, justification, ${TS('expires_at', 'expiresAt')}, ${TS('granted_at', 'grantedAt')}, status, ${TS('ended_at', 'endedAt')},
       end_reason AS "endReason"
     FROM ql_decision_waivers WHERE run_id = ANY($1::text[]) ORDER BY run_id, granted_at, waiver_id`,
    [runIds],
  );
  const out = new Map<string, WaiverRow[]>();
  for (const r of rows) out.set(r.runId, [...(out.get(r.runId) ?? []), r]);
  return out;
}
