import type pg from 'pg';

export interface ModelVersionRow {
  readonly model: string;
  readonly digest: string;
  readonly version: string;
  readonly runId: string | null;
  readonly trainedOn: string[];
  readonly registeredAt: string;
  readonly revokedAt: string | null;
  readonly revokedReason: string | null;
  readonly approvals: Array<{
    stage: string;
    decisionId: string;
    runId: string;
    approvedAt: string;
    revokedAt: string | null;
    revokedReason: string | null;
  }>;
}

const TS = (c: string): string => `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Versions of one model (or every model) with their stage approvals, one query. */
export async function modelVersions(pool: pg.Pool, model: string | null): Promise<ModelVersionRow[]> {
  const { rows } = await pool.query<ModelVersionRow>(
    `SELECT v.model, v.digest, v.version, v.run_id AS "runId", v.trained_on AS "trainedOn", ${TS('v.registered_at')} AS "registeredAt",
       ${TS('v.revoked_at')} AS "revokedAt", v.revoked_reason AS "revokedReason",
       coalesce((SELECT jsonb_agg(jsonb_build_object('stage', a.stage, 'decisionId', a.decision_id, 'runId', a.run_id,
         'approvedAt', ${TS('a.approved_at')}, 'revokedAt', ${TS('a.revoked_at')}, 'revokedReason', a.revoked_reason) ORDER BY a.stage)
         FROM ql_model_approvals a WHERE a.model = v.model AND a.digest = v.digest), '[]') AS approvals
     FROM ql_model_versions v WHERE $1::text IS NULL OR v.model = $1 ORDER BY v.model, v.registered_at, v.digest`,
    [model],
  );
  return rows;
}

export interface BatchManifestRow {
  readonly jobId: string;
  readonly partition: string;
  readonly runId: string;
  readonly stage: string;
  readonly model: string;
  readonly modelDigest: string;
  readonly datasetId: string;
  readonly datasetVersion: string;
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly decisionId: string;
  readonly artifacts: string[];
  readonly recordedAt: string;
}

export async function batchManifests(
  pool: pg.Pool,
  q: { model?: string; digest?: string; jobId?: string; first: number },
): Promise<BatchManifestRow[]> {
  const { rows } = await pool.query<BatchManifestRow>(
    `SELECT job_id AS "jobId", partition, run_id AS "runId", stage, model, model_digest AS "modelDigest", dataset_id AS "datasetId",
       dataset_version AS "datasetVersion", rows_in::float8 AS "rowsIn", rows_out::float8 AS "rowsOut", decision_id AS "decisionId",
       artifacts, ${TS('recorded_at')} AS "recordedAt"
     FROM ql_batch_manifests WHERE ($1::text IS NULL OR model = $1) AND ($2::text IS NULL OR model_digest = $2) AND ($3::text IS NULL OR job_id = $3)
     ORDER BY position LIMIT $4`,
    [q.model ?? null, q.digest ?? null, q.jobId ?? null, q.first],
  );
  return rows;
}
