import type pg from 'pg';

/** A project's managed key as the read model shows it (not a GraphQL type, not a domain type). */
export interface ManagedKeyRow {
  readonly keyId: string;
  readonly projectId: string;
  readonly status: string;
  readonly version: number;
  readonly algorithm: string;
  readonly sizeBits: number;
  readonly curve: string | null;
  readonly kmsRef: string;
  readonly purpose: string;
  readonly cryptoperiodDays: number;
  readonly rotateBy: string;
  readonly registeredAt: string;
  readonly registeredBy: string;
  readonly compromisedSince: string | null;
  readonly statusReason: string | null;
}

/** One version of a managed key: the registration (version 1) or a rotation. */
export interface ManagedKeyVersionRow {
  readonly keyId: string;
  readonly version: number;
  readonly algorithm: string;
  readonly sizeBits: number;
  readonly curve: string | null;
  readonly kmsRef: string;
  readonly reason: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
}

const TS = (c: string, as: string): string => `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "${as}"`;

const COLUMNS = `key_id AS "keyId", project_id AS "projectId", status, version, algorithm, size_bits AS "sizeBits", curve,
  kms_ref AS "kmsRef", purpose, cryptoperiod_days AS "cryptoperiodDays", ${TS('rotate_by', 'rotateBy')}, ${TS('registered_at', 'registeredAt')},
  registered_by AS "registeredBy", ${TS('compromised_since', 'compromisedSince')}, status_reason AS "statusReason"`;

/** Managed keys of the given projects (null: all), optionally of one project or status, by project then id. One query. */
export async function listManagedKeys(
  pool: pg.Pool,
  q: { readonly projects: readonly string[] | null; readonly projectId?: string; readonly status?: string },
): Promise<ManagedKeyRow[]> {
  const { rows } = await pool.query<ManagedKeyRow>(
    `SELECT ${COLUMNS} FROM ql_managed_keys
     WHERE ($1::text[] IS NULL OR project_id = ANY($1)) AND ($2::text IS NULL OR project_id = $2) AND ($3::text IS NULL OR status = $3)
     ORDER BY project_id, key_id`,
    [q.projects, q.projectId ?? null, q.status ?? null],
  );
  return rows;
}

export async function managedKeysById(pool: pg.Pool, ids: readonly string[]): Promise<Map<string, ManagedKeyRow>> {
  const { rows } = await pool.query<ManagedKeyRow>(`SELECT ${COLUMNS} FROM ql_managed_keys WHERE key_id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((r) => [r.keyId, r]));
}

/** Every version of many keys, oldest first, one query. */
export async function managedKeyVersions(pool: pg.Pool, ids: readonly string[]): Promise<Map<string, ManagedKeyVersionRow[]>> {
  const { rows } = await pool.query<ManagedKeyVersionRow>(
    `SELECT key_id AS "keyId", version, algorithm, size_bits AS "sizeBits", curve, kms_ref AS "kmsRef", reason,
       ${TS('created_at', 'createdAt')}, created_by AS "createdBy"
     FROM ql_managed_key_versions WHERE key_id = ANY($1::text[]) ORDER BY key_id, version`,
    [ids],
  );
  const out = new Map<string, ManagedKeyVersionRow[]>();
  for (const r of rows) out.set(r.keyId, [...(out.get(r.keyId) ?? []), r]);
  return out;
}
