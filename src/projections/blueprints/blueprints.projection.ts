import type pg from 'pg';
import type { BlueprintEvent } from '../../domain/blueprint/blueprint.js';
import type { Projection, ProjectedEvent } from '../projection.js';
import { eventsOf, jsonb } from '../rm-common/sql.js';
import { BLUEPRINTS_MIGRATIONS } from './migrations.js';

/** Blueprint versions (streams `blueprint-<id>`): digest, the whole definition, who registered it, deprecation. */
export const blueprintsProjection: Projection = {
  name: 'blueprints',
  version: 1,
  migrations: BLUEPRINTS_MIGRATIONS,
  tables: ['ql_blueprint_versions'],
  categories: ['blueprint'],
  async apply(events: readonly ProjectedEvent[], tx: pg.PoolClient): Promise<void> {
    for (const { event, e } of eventsOf<BlueprintEvent>(events, 'blueprint')) {
      if (event.type === 'BlueprintVersionRegistered') {
        const d = event.data;
        const name = (d.definition as unknown as { name?: unknown }).name;
        await tx.query(
          `INSERT INTO ql_blueprint_versions (blueprint_id, version, digest, name, definition, registered_at, registered_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (blueprint_id, version) DO NOTHING`,
          [
            d.blueprintId,
            d.version,
            d.digest,
            typeof name === 'string' ? name : null,
            jsonb(d.definition),
            e.envelope.occurredAt,
            e.envelope.actor.id,
          ],
        );
      } else if (event.type === 'BlueprintVersionDeprecated') {
        await tx.query(
          `UPDATE ql_blueprint_versions SET deprecated = true, deprecation_reason = $3, replaced_by = $4 WHERE blueprint_id = $1 AND version = $2`,
          [event.data.blueprintId, event.data.version, event.data.reason, event.data.replacedBy],
        );
      }
    }
  },
};
