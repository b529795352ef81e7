import type { Decider } from '../decider.js';
import { Forbidden, IllegalState, ValidationError } from '../errors.js';
import { MODEL_DIGEST, type GateAnswer } from '../model/model.js';

/**
 * A batch inference job, stream `batch-<jobId>` (seed 003 §2.7): one manifest per input
 * partition, recorded as evidence of the run that scored it. Idempotent on job id +
 * partition (§2.4): the same manifest again records nothing, a different one is refused.
 */
export interface BatchManifest {
  readonly jobId: string;
  readonly partition: string;
  readonly runId: string;
  readonly stage: string;
  readonly model: { readonly name: string; readonly digest: string };
  readonly dataset: { readonly id: string; readonly version: string };
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly sanityChecks: readonly { readonly name: string; readonly status: 'PASS' | 'FAIL' | 'WARNING'; readonly value: number | null }[];
  readonly policyDigest: string;
  readonly configHash: string;
  /** SHA-256 (hex) of evidence blobs: the scored output's manifest.json, metrics, reports. */
  readonly artifacts: readonly string[];
}

export type BatchCommand = {
  readonly type: 'RecordBatchManifest';
  readonly manifest: BatchManifest;
  /** The registry's answer for this model, digest and stage when the manifest arrived. */
  readonly gate: GateAnswer;
};

export type BatchEvent = {
  readonly type: 'BatchManifestRecorded';
  readonly data: BatchManifest & { readonly approvedBy: { readonly decisionId: string; readonly runId: string } };
};

export interface BatchState {
  readonly jobId: string | undefined;
  /** Partition -> the manifest recorded for it, in a comparable form. */
  readonly partitions: ReadonlyMap<string, string>;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:=/-]{0,199}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function batchStream(jobId: string): string {
  return `batch-${jobId}`;
}

/** Field order fixed, so two equal manifests compare equal as text. */
function comparable(m: BatchManifest): string {
  return JSON.stringify([
    m.jobId,
    m.partition,
    m.runId,
    m.stage,
    [m.model.name, m.model.digest],
    [m.dataset.id, m.dataset.version],
    m.rowsIn,
    m.rowsOut,
    m.sanityChecks.map((c) => [c.name, c.status, c.value]),
    m.policyDigest,
    m.configHash,
    m.artifacts,
  ]);
}

function validate(m: BatchManifest): void {
  const problems: { path: string; message: string }[] = [];
  const check = (path: string, ok: boolean, message: string): void => {
    if (!ok) problems.push({ path, message });
  };
  check('jobId', ID.test(m.jobId), 'expected an id of letters, digits and ._:=/-');
  check('partition', ID.test(m.partition), 'expected a partition id such as dt=2025-06-01');
  check('runId', ID.test(m.runId), 'expected the id of the run this job belongs to');
  check('stage', /^[a-z][a-z0-9-]{0,39}$/.test(m.stage), 'expected a stage such as production');
  check('model.digest', MODEL_DIGEST.test(m.model.digest), 'expected "sha256:" and 64 lowercase hex characters');
  check('dataset.id', ID.test(m.dataset.id), 'expected a dataset id such as curated/tx_2025');
  check('rowsIn', Number.isSafeInteger(m.rowsIn) && m.rowsIn >= 0, 'expected a non-negative integer');
  check('rowsOut', Number.isSafeInteger(m.rowsOut) && m.rowsOut >= 0, 'expected a non-negative integer');
  m.sanityChecks.forEach((c, i) => {
    check(`sanityChecks[${i}].name`, /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(c.name), 'expected a check name');
    check(`sanityChecks[${i}].status`, ['PASS', 'FAIL', 'WARNING'].includes(c.status), 'expected PASS, FAIL or WARNING');
    check(`sanityChecks[${i}].value`, c.value === null || Number.isFinite(c.value), 'expected a finite number or null');
  });
  check('policyDigest', DIGEST.test(m.policyDigest), 'expected "sha256:" and 64 lowercase hex characters');
  check('configHash', DIGEST.test(m.configHash), 'expected "sha256:" and 64 lowercase hex characters');
  m.artifacts.forEach((a, i) => check(`artifacts[${i}]`, HEX64.test(a), 'expected a SHA-256 of 64 lowercase hex characters'));
  const first = problems[0];
  if (first) {
    throw new ValidationError('INVALID_BATCH_MANIFEST', `batch manifest ${first.path}: ${first.message}`, problems);
  }
}

export const batchJob: Decider<BatchCommand, BatchEvent, BatchState> = {
  initialState: { jobId: undefined, partitions: new Map() },

  evolve: (state, event) => ({
    jobId: event.data.jobId,
    partitions: new Map(state.partitions).set(event.data.partition, comparable(event.data)),
  }),

  decide({ manifest, gate }, state) {
    validate(manifest);
    if (state.jobId !== undefined && state.jobId !== manifest.jobId) {
      throw new IllegalState('BATCH_JOB_MISMATCH', `this stream holds job ${state.jobId}, not ${manifest.jobId}`);
    }
    const previous = state.partitions.get(manifest.partition);
    if (previous !== undefined) {
      if (previous === comparable(manifest)) return [];
      throw new IllegalState(
        'BATCH_PARTITION_CONFLICT',
        `job ${manifest.jobId} already recorded partition ${manifest.partition} with another manifest: a re-run must reproduce it or use a new job id`,
      );
    }
    const sameQuestion = gate.model === manifest.model.name && gate.digest === manifest.model.digest && gate.stage === manifest.stage;
    if (!sameQuestion || !gate.approved || gate.decisionId === null || gate.runId === null) {
      throw new Forbidden(
        'MODEL_NOT_APPROVED',
        `model ${manifest.model.name}@${manifest.model.digest} is not approved for ${manifest.stage} (${sameQuestion ? gate.verdict : 'gate answer is for another model'}): score only with an approved, unrevoked digest`,
      );
    }
    return [{ type: 'BatchManifestRecorded', data: { ...manifest, approvedBy: { decisionId: gate.decisionId, runId: gate.runId } } }];
  },
};
