import type pg from 'pg';
import type { ProjectEvent } from '../../domain/project/project.js';
import type { Projection, ProjectedEvent } from '../projection.js';
import { eventsOf, jsonb } from '../rm-common/sql.js';
import { PROJECTS_MIGRATIONS } from './migrations.js';

/** Projects (streams `project-<id>`): identity, owner, the blueprint version per environment, the crypto pipeline, archival. */
export const projectsProjection: Projection = {
  name: 'projects',
  version: 1,
  migrations: PROJECTS_MIGRATIONS,
  tables: ['ql_projects', 'ql_project_blueprints'],
  categories: ['project'],
  async apply(events: readonly ProjectedEvent[], tx: pg.PoolClient): Promise<void> {
    for (const { event, id, e } of eventsOf<ProjectEvent>(events, 'project')) {
      const position = e.recorded.position;
      const at = e.envelope.occurredAt;
      const actor = e.envelope.actor.id;
      switch (event.type) {
        case 'ProjectCreated': {
          const d = event.data;
          await tx.query(
            `INSERT INTO ql_projects (project_id, name, project_type, repository, owner_id, created_at, created_by, updated_position)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (project_id) DO NOTHING`,
            [id, d.name, d.projectType, d.repository, d.ownerId, at, actor, position],
          );
          break;
        }
        case 'ProjectBlueprintAttached': {
          const b = event.data.blueprint;
          await tx.query(
            `INSERT INTO ql_project_blueprints (project_id, environment, blueprint_id, blueprint_version, blueprint_digest, attached_at, attached_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (project_id, environment) DO UPDATE SET blueprint_id = $3, blueprint_version = $4, blueprint_digest = $5,
               attached_at = $6, attached_by = $7`,
            [id, event.data.environment, b.id, b.version, b.digest, at, actor],
          );
          await tx.query('UPDATE ql_projects SET updated_position = $2 WHERE project_id = $1', [id, position]);
          break;
        }
        case 'ProjectBlueprintDetached':
          await tx.query('DELETE FROM ql_project_blueprints WHERE project_id = $1 AND environment = $2', [id, event.data.environment]);
          await tx.query('UPDATE ql_projects SET updated_position = $2 WHERE project_id = $1', [id, position]);
          break;
        case 'ProjectCryptoPipelineSet':
          await tx.query('UPDATE ql_projects SET crypto_blueprint = $2, updated_position = $3 WHERE project_id = $1', [
            id,
            jsonb(event.data.blueprint),
            position,
          ]);
          break;
        case 'ProjectArchived':
          await tx.query('UPDATE ql_projects SET archived = true, archive_reason = $2, updated_position = $3 WHERE project_id = $1', [
            id,
            event.data.reason,
            position,
          ]);
          break;
      }
    }
  },
};
