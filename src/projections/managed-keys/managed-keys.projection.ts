import type pg from 'pg';
import type { ManagedKeyEvent } from '../../domain/mkey/mkey.js';
import type { Projection, ProjectedEvent } from '../projection.js';
import { eventsOf } from '../rm-common/sql.js';
import { MANAGED_KEYS_MIGRATIONS } from './migrations.js';

/** Projects' managed keys (streams `mkey-<id>`): current version and status, and every version with its spec and KMS reference. */
export const managedKeysProjection: Projection = {
  name: 'managed-keys',
  version: 1,
  migrations: MANAGED_KEYS_MIGRATIONS,
  tables: ['ql_managed_keys', 'ql_managed_key_versions'],
  categories: ['mkey'],
  async apply(events: readonly ProjectedEvent[], tx: pg.PoolClient): Promise<void> {
    for (const { event, id, e } of eventsOf<ManagedKeyEvent>(events, 'mkey')) {
      const position = e.recorded.position;
      switch (event.type) {
        case 'ManagedKeyRegistered': {
          const d = event.data;
          await tx.query(
            `INSERT INTO ql_managed_keys (key_id, project_id, status, version, algorithm, size_bits, curve, kms_ref, purpose,
               cryptoperiod_days, rotate_by, registered_at, registered_by, updated_position)
             VALUES ($1, $2, 'ACTIVE', 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (key_id) DO UPDATE SET status = 'ACTIVE', version = 1, algorithm = $3, size_bits = $4, curve = $5,
               kms_ref = $6, rotate_by = $9, compromised_since = NULL, status_reason = NULL, updated_position = $12`,
            [
              id,
              d.projectId,
              d.spec.algorithm,
              d.spec.sizeBits,
              d.spec.curve ?? null,
              d.kmsRef,
              d.purpose,
              d.cryptoperiodDays,
              d.rotateBy,
              d.at,
              d.registeredBy,
              position,
            ],
          );
          await version(tx, id, 1, d.spec, d.kmsRef, null, d.at, d.registeredBy);
          break;
        }
        case 'ManagedKeyRotated': {
          const d = event.data;
          await tx.query(
            `UPDATE ql_managed_keys SET status = 'ACTIVE', version = $2, algorithm = $3, size_bits = $4, curve = $5, kms_ref = $6,
               rotate_by = $7, updated_position = $8 WHERE key_id = $1`,
            [id, d.version, d.spec.algorithm, d.spec.sizeBits, d.spec.curve ?? null, d.kmsRef, d.rotateBy, position],
          );
          await version(tx, id, d.version, d.spec, d.kmsRef, d.reason, d.at, d.rotatedBy);
          break;
        }
        case 'ManagedKeyRetired':
          await tx.query(`UPDATE ql_managed_keys SET status = 'RETIRED', status_reason = $2, updated_position = $3 WHERE key_id = $1`, [
            id,
            event.data.reason,
            position,
          ]);
          break;
        case 'ManagedKeyCompromised':
          await tx.query(
            `UPDATE ql_managed_keys SET status = 'COMPROMISED', status_reason = $2, compromised_since = $3, updated_position = $4 WHERE key_id = $1`,
            [id, event.data.reason, event.data.compromisedSince, position],
          );
          break;
      }
    }
  },
};

async function version(
  tx: pg.PoolClient,
  keyId: string,
  v: number,
  spec: { algorithm: string; sizeBits: number; curve?: string },
  kmsRef: string,
  reason: string | null,
  at: string,
  by: string,
): Promise<void> {
  await tx.query(
    `INSERT INTO ql_managed_key_versions (key_id, version, algorithm, size_bits, curve, kms_ref, reason, created_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
    [keyId, v, spec.algorithm, spec.sizeBits, spec.curve ?? null, kmsRef, reason, at, by],
  );
}
