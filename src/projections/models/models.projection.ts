import type pg from 'pg';
import type { BatchEvent } from '../../domain/batch/batch.js';
import type { ModelEvent } from '../../domain/model/model.js';
import type { Projection, ProjectedEvent } from '../projection.js';
import { eventsOf, insertMany, jsonb } from '../rm-common/sql.js';
import { MODELS_MIGRATIONS } from './migrations.js';

/**
 * The model registry (streams `model-<name>`): versions by digest with what they were trained on,
 * approvals per stage with the deciding run, revocations; and batch manifests (streams
 * `batch-<jobId>`, seed 003), one row per partition, inserted once per batch.
 */
export const modelsProjection: Projection = {
  name: 'models',
  version: 1,
  migrations: MODELS_MIGRATIONS,
  tables: ['ql_model_versions', 'ql_model_approvals', 'ql_batch_manifests'],
  categories: ['model', 'batch'],
  async apply(events: readonly ProjectedEvent[], tx: pg.PoolClient): Promise<void> {
    for (const { event, id: model, e } of eventsOf<ModelEvent>(events, 'model')) {
      const at = e.envelope.occurredAt;
      const actor = e.envelope.actor.id;
      switch (event.type) {
        case 'ModelVersionRegistered': {
          const d = event.data;
          await tx.query(
            `INSERT INTO ql_model_versions (model, digest, version, run_id, trained_on, registered_at, registered_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (model, digest) DO NOTHING`,
            [model, d.digest, d.version, d.runId, jsonb(d.trainedOn), at, actor],
          );
          break;
        }
        case 'ModelApprovedForStage': {
          const d = event.data;
          await tx.query(
            `INSERT INTO ql_model_approvals (model, digest, stage, decision_id, run_id, approved_at, approved_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (model, digest, stage) DO UPDATE SET decision_id = $4, run_id = $5, approved_at = $6, approved_by = $7,
               revoked_at = NULL, revoked_reason = NULL`,
            [model, d.digest, d.stage, d.decisionId, d.runId, at, actor],
          );
          break;
        }
        case 'ModelApprovalRevoked':
          await tx.query(
            'UPDATE ql_model_approvals SET revoked_at = $4, revoked_reason = $5 WHERE model = $1 AND digest = $2 AND stage = $3',
            [model, event.data.digest, event.data.stage, at, event.data.reason],
          );
          break;
        case 'ModelVersionRevoked':
          await tx.query('UPDATE ql_model_versions SET revoked_at = $3, revoked_reason = $4 WHERE model = $1 AND digest = $2', [
            model,
            event.data.digest,
            at,
            event.data.reason,
          ]);
          break;
      }
    }
    const manifests = eventsOf<BatchEvent>(events, 'batch').filter(({ event }) => event.type === 'BatchManifestRecorded');
    await insertMany(
      tx,
      'ql_batch_manifests',
      [
        'job_id text',
        'partition text',
        'run_id text',
        'stage text',
        'model text',
        'model_digest text',
        'dataset_id text',
        'dataset_version text',
        'rows_in bigint',
        'rows_out bigint',
        'sanity_checks jsonb',
        'policy_digest text',
        'config_hash text',
        'artifacts jsonb',
        'decision_id text',
        'approved_run_id text',
        'recorded_at timestamptz',
        'position bigint',
      ],
      manifests.map(({ event: { data: m }, e }) => [
        m.jobId,
        m.partition,
        m.runId,
        m.stage,
        m.model.name,
        m.model.digest,
        m.dataset.id,
        m.dataset.version,
        m.rowsIn,
        m.rowsOut,
        jsonb(m.sanityChecks),
        m.policyDigest,
        m.configHash,
        jsonb(m.artifacts),
        m.approvedBy.decisionId,
        m.approvedBy.runId,
        e.envelope.occurredAt,
        e.recorded.position,
      ]),
      'ON CONFLICT (job_id, partition) DO NOTHING',
    );
  },
};
