import type pg from 'pg';

/** A blueprint version of the read model (not a GraphQL type, not a domain type). */
export interface BlueprintVersionRow {
  readonly blueprintId: string;
  readonly version: number;
  readonly digest: string;
  readonly name: string | null;
  readonly definition: unknown;
  readonly registeredAt: string;
  readonly registeredBy: string;
  readonly deprecated: boolean;
  readonly deprecationReason: string | null;
  readonly replacedBy: number | null;
}

/** Where a blueprint version is attached: one project environment. */
export interface BlueprintAttachmentRow {
  /** `<blueprintId>@<version>`. */
  readonly key: string;
  readonly projectId: string;
  readonly environment: string;
  readonly attachedAt: string;
  readonly attachedBy: string;
}

const TS = (c: string, as: string): string => `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "${as}"`;

const COLUMNS = `blueprint_id AS "blueprintId", version, digest, name, definition, ${TS('registered_at', 'registeredAt')},
  registered_by AS "registeredBy", deprecated, deprecation_reason AS "deprecationReason", replaced_by AS "replacedBy"`;

/** Blueprint versions (one blueprint, or all), by id then version; deprecated ones only when asked. One query. */
export async function listBlueprintVersions(
  pool: pg.Pool,
  q: { readonly blueprintId?: string; readonly includeDeprecated: boolean },
): Promise<BlueprintVersionRow[]> {
  const { rows } = await pool.query<BlueprintVersionRow>(
    `SELECT ${COLUMNS} FROM ql_blueprint_versions
     WHERE ($1::text IS NULL OR blueprint_id = $1) AND ($2 OR NOT deprecated) ORDER BY blueprint_id, version`,
    [q.blueprintId ?? null, q.includeDeprecated],
  );
  return rows;
}

/** One version, or the latest registered one when `version` is null. */
export async function blueprintVersion(pool: pg.Pool, blueprintId: string, version: number | null): Promise<BlueprintVersionRow | null> {
  const { rows } = await pool.query<BlueprintVersionRow>(
    `SELECT ${COLUMNS} FROM ql_blueprint_versions WHERE blueprint_id = $1 AND ($2::int IS NULL OR version = $2)
     ORDER BY version DESC LIMIT 1`,
    [blueprintId, version],
  );
  return rows[0] ?? null;
}

/** The project environments that attach each `<id>@<version>` (of the given projects; null: all), one query. */
export async function attachmentsOf(
  pool: pg.Pool,
  keys: readonly string[],
  projects: readonly string[] | null,
): Promise<Map<string, BlueprintAttachmentRow[]>> {
  const { rows } = await pool.query<BlueprintAttachmentRow>(
    `SELECT blueprint_id || '@' || blueprint_version AS key, project_id AS "projectId", environment, ${TS('attached_at', 'attachedAt')},
       attached_by AS "attachedBy"
     FROM ql_project_blueprints
     WHERE blueprint_id || '@' || blueprint_version = ANY($1::text[]) AND ($2::text[] IS NULL OR project_id = ANY($2))
     ORDER BY project_id, environment`,
    [keys, projects],
  );
  const out = new Map<string, BlueprintAttachmentRow[]>();
  for (const r of rows) out.set(r.key, [...(out.get(r.key) ?? []), r]);
  return out;
}
