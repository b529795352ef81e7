import type pg from 'pg';

export interface EvidenceRow {
  readonly sha256: string;
  readonly bytes: number;
  readonly mediaType: string;
  readonly recordedAt: string;
  readonly recordedBy: string;
}

export async function evidenceBySha(pool: pg.Pool, digests: readonly string[]): Promise<Map<string, EvidenceRow>> {
  const { rows } = await pool.query<EvidenceRow>(
    `SELECT sha256, bytes::float8 AS bytes, media_type AS "mediaType",
       to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "recordedAt", recorded_by AS "recordedBy"
     FROM ql_evidence WHERE sha256 = ANY($1::text[])`,
    [digests],
  );
  return new Map(rows.map((r) => [r.sha256, r]));
}
