import type pg from 'pg';

export interface ProjectRow {
  readonly projectId: string;
  readonly name: string;
  readonly projectType: string;
  readonly repository: string | null;
  readonly ownerId: string;
  readonly archived: boolean;
  readonly archiveReason: string | null;
  readonly createdAt: string;
  readonly blueprints: Array<{ environment: string; blueprintId: string; blueprintVersion: number; blueprintDigest: string }>;
}

/** Projects (null: every project) with their blueprint per environment, one query. */
export async function listProjects(pool: pg.Pool, projects: readonly string[] | null): Promise<ProjectRow[]> {
  const { rows } = await pool.query<ProjectRow>(
    `SELECT p.project_id AS "projectId", p.name, p.project_type AS "projectType", p.repository, p.owner_id AS "ownerId", p.archived,
       p.archive_reason AS "archiveReason", to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
       coalesce((SELECT jsonb_agg(jsonb_build_object('environment', b.environment, 'blueprintId', b.blueprint_id,
         'blueprintVersion', b.blueprint_version, 'blueprintDigest', b.blueprint_digest) ORDER BY b.environment)
         FROM ql_project_blueprints b WHERE b.project_id = p.project_id), '[]') AS blueprints
     FROM ql_projects p WHERE $1::text[] IS NULL OR p.project_id = ANY($1) ORDER BY p.project_id`,
    [projects],
  );
  return rows;
}
