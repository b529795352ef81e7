import type pg from 'pg';

/** Rows of the runs read model, as the queries return them (not GraphQL types, not domain types). */
export interface RunRow {
  readonly runId: string;
  readonly projectId: string;
  readonly environment: string;
  readonly status: string;
  readonly blueprintId: string;
  readonly blueprintVersion: number;
  readonly blueprintDigest: string;
  readonly triggerKind: string;
  readonly trigger: Record<string, unknown>;
  readonly initiator: string;
  readonly inputs: Record<string, unknown>;
  readonly requestedAt: string;
  readonly queuedAt: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly reasons: string[];
  readonly cancelReason: string | null;
  readonly requestedPosition: number;
}

export interface StageRow {
  readonly runId: string;
  readonly stageId: string;
  readonly name: string;
  readonly status: string;
  readonly dependsOn: string[];
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly skipReason: string | null;
  readonly skipDetail: string | null;
  readonly failedChecks: string[];
}

export interface CheckRow {
  readonly runId: string;
  readonly checkId: string;
  readonly stageId: string;
  readonly checkType: string;
  readonly required: boolean;
  readonly thresholds: Record<string, unknown>;
  readonly status: string;
  readonly attempt: number;
  readonly workerId: string | null;
  readonly metrics: Record<string, number>;
  readonly findings: Array<{ id: string; severity: string; category?: string; rule?: string; message?: string }>;
  readonly evidence: string[];
  readonly tool: string | null;
  readonly error: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

const TS = (c: string, as: string): string => `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "${as}"`;

const RUN_COLUMNS = `run_id AS "runId", project_id AS "projectId", environment, status, blueprint_id AS "blueprintId",
  blueprint_version AS "blueprintVersion", blueprint_digest AS "blueprintDigest", trigger_kind AS "triggerKind", trigger,
  initiator, inputs, ${TS('requested_at', 'requestedAt')}, ${TS('queued_at', 'queuedAt')}, ${TS('started_at', 'startedAt')},
  ${TS('finished_at', 'finishedAt')}, reasons, cancel_reason AS "cancelReason", requested_position::float8 AS "requestedPosition"`;

export interface RunQuery {
  /** null: every project; otherwise only these. */
  readonly projects: readonly string[] | null;
  readonly projectId?: string;
  readonly status?: string;
  readonly blueprintId?: string;
  readonly blueprintVersion?: number;
  readonly from?: string;
  readonly to?: string;
  /** Keyset cursor: runs requested strictly before this (requestedAt, runId). */
  readonly before?: { readonly requestedAt: string; readonly runId: string };
  readonly first: number;
}

/** Newest first, keyset-paginated on (requested_at, run_id). One query. */
export async function queryRuns(pool: pg.Pool, q: RunQuery): Promise<{ rows: RunRow[]; hasNextPage: boolean }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  if (q.projects) where.push(`project_id = ANY(${p(q.projects)}::text[])`);
  if (q.projectId) where.push(`project_id = ${p(q.projectId)}`);
  if (q.status) where.push(`status = ${p(q.status)}`);
  if (q.blueprintId) where.push(`blueprint_id = ${p(q.blueprintId)}`);
  if (q.blueprintVersion !== undefined) where.push(`blueprint_version = ${p(q.blueprintVersion)}`);
  if (q.from) where.push(`requested_at >= ${p(q.from)}::timestamptz`);
  if (q.to) where.push(`requested_at < ${p(q.to)}::timestamptz`);
  if (q.before) where.push(`(requested_at, run_id) < (${p(q.before.requestedAt)}::timestamptz, ${p(q.before.runId)})`);
  const { rows } = await pool.query<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM ql_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY requested_at DESC, run_id DESC LIMIT ${p(q.first + 1)}`,
    params,
  );
  return { rows: rows.slice(0, q.first), hasNextPage: rows.length > q.first };
}

export async function runsById(pool: pg.Pool, ids: readonly string[]): Promise<Map<string, RunRow>> {
  const { rows } = await pool.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM ql_runs WHERE run_id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((r) => [r.runId, r]));
}

function group<R extends { runId: string }>(rows: readonly R[]): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const r of rows) {
    const list = out.get(r.runId);
    if (list) list.push(r);
    else out.set(r.runId, [r]);
  }
  return out;
}

/** Stages of many runs in plan order, one query. */
export async function stagesOfRuns(pool: pg.Pool, runIds: readonly string[]): Promise<Map<string, StageRow[]>> {
  const { rows } = await pool.query<StageRow>(
    `SELECT run_id AS "runId", stage_id AS "stageId", name, status, depends_on AS "dependsOn", ${TS('started_at', 'startedAt')},
       ${TS('finished_at', 'finishedAt')}, skip_reason AS "skipReason", skip_detail AS "skipDetail", failed_checks AS "failedChecks"
     FROM ql_run_stages WHERE run_id = ANY($1::text[]) ORDER BY run_id, ord`,
    [runIds],
  );
  return group(rows);
}

/** Checks of many runs in plan order, one query. */
export async function checksOfRuns(pool: pg.Pool, runIds: readonly string[]): Promise<Map<string, CheckRow[]>> {
  const { rows } = await pool.query<CheckRow>(
    `SELECT run_id AS "runId", check_id AS "checkId", stage_id AS "stageId", check_type AS "checkType", required, thresholds, status,
       attempt, worker_id AS "workerId", metrics, findings, evidence, tool, error, ${TS('started_at', 'startedAt')},
       ${TS('finished_at', 'finishedAt')}
     FROM ql_run_checks WHERE run_id = ANY($1::text[]) ORDER BY run_id, ord`,
    [runIds],
  );
  return group(rows);
}

export interface EvidenceRefRow {
  readonly sha256: string;
  readonly runId: string;
  readonly projectId: string;
  readonly checkId: string;
  readonly attempt: number;
}

/** The runs and checks that cite each digest (bare hex), one query. */
export async function evidenceReferences(pool: pg.Pool, digests: readonly string[]): Promise<Map<string, EvidenceRefRow[]>> {
  const { rows } = await pool.query<EvidenceRefRow>(
    `SELECT e.sha256, e.run_id AS "runId", r.project_id AS "projectId", e.check_id AS "checkId", e.attempt
     FROM ql_run_evidence e JOIN ql_runs r USING (run_id) WHERE e.sha256 = ANY($1::text[]) ORDER BY e.sha256, e.position, e.check_id`,
    [digests],
  );
  const out = new Map<string, EvidenceRefRow[]>();
  for (const r of rows) out.set(r.sha256, [...(out.get(r.sha256) ?? []), r]);
  return out;
}
