import { describe, it } from 'node:test';
import { batchJob, type BatchEvent, type BatchManifest } from '../../src/domain/batch/batch.js';
import type { GateAnswer } from '../../src/domain/model/model.js';
import { specFor } from '../support/given-when-then.js';

const spec = specFor(batchJob);
const DIGEST = `sha256:${'1'.repeat(64)}`;
const manifest: BatchManifest = {
  jobId: 'job-2025-06-01',
  partition: 'dt=2025-06-01',
  runId: 'run-7',
  stage: 'production',
  model: { name: 'churn', digest: DIGEST },
  dataset: { id: 'curated/tx_2025', version: 'v3' },
  rowsIn: 1000,
  rowsOut: 1000,
  sanityChecks: [{ name: 'score_range', status: 'PASS', value: 1 }],
  policyDigest: `sha256:${'a'.repeat(64)}`,
  configHash: `sha256:${'b'.repeat(64)}`,
  artifacts: ['c'.repeat(64)],
};
const approved: GateAnswer = {
  approved: true,
  verdict: 'APPROVED',
  model: 'churn',
  digest: DIGEST,
  stage: 'production',
  version: '1.0.0',
  decisionId: 'dec-1',
  runId: 'run-1',
};
const recorded: BatchEvent = { type: 'BatchManifestRecorded', data: { ...manifest, approvedBy: { decisionId: 'dec-1', runId: 'run-1' } } };

describe('batch job decider', () => {
  it('given nothing, when recording a manifest scored with an approved model, then BatchManifestRecorded', () =>
    spec([]).when({ type: 'RecordBatchManifest', manifest, gate: approved }).then([recorded]));

  it('given the partition is recorded, when the same manifest arrives again, then nothing new (idempotent re-run)', () =>
    spec([recorded]).when({ type: 'RecordBatchManifest', manifest, gate: approved }).then([]));

  it('given the partition is recorded, when a different manifest arrives for it, then BATCH_PARTITION_CONFLICT', () =>
    spec([recorded])
      .when({ type: 'RecordBatchManifest', manifest: { ...manifest, rowsOut: 999 }, gate: approved })
      .thenFails('BATCH_PARTITION_CONFLICT'));

  it('given one partition, when another partition of the job arrives, then it is recorded too', () => {
    const next = { ...manifest, partition: 'dt=2025-06-02' };
    spec([recorded])
      .when({ type: 'RecordBatchManifest', manifest: next, gate: approved })
      .then([{ type: 'BatchManifestRecorded', data: { ...next, approvedBy: { decisionId: 'dec-1', runId: 'run-1' } } }]);
  });

  it('given nothing, when the model is revoked, then MODEL_NOT_APPROVED', () =>
    spec([])
      .when({
        type: 'RecordBatchManifest',
        manifest,
        gate: { ...approved, approved: false, verdict: 'REVOKED', decisionId: null, runId: null },
      })
      .thenFails('MODEL_NOT_APPROVED'));

  it('given nothing, when the gate answered for another digest, then MODEL_NOT_APPROVED', () =>
    spec([])
      .when({ type: 'RecordBatchManifest', manifest, gate: { ...approved, digest: `sha256:${'9'.repeat(64)}` } })
      .thenFails('MODEL_NOT_APPROVED'));

  it('given nothing, when rows are negative, then INVALID_BATCH_MANIFEST', () =>
    spec([])
      .when({ type: 'RecordBatchManifest', manifest: { ...manifest, rowsIn: -1 }, gate: approved })
      .thenFails('INVALID_BATCH_MANIFEST'));

  it('given nothing, when an artifact is not a SHA-256, then INVALID_BATCH_MANIFEST', () =>
    spec([])
      .when({ type: 'RecordBatchManifest', manifest: { ...manifest, artifacts: ['xyz'] }, gate: approved })
      .thenFails('INVALID_BATCH_MANIFEST'));
});
