import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gate, modelRegistry, type ModelEvent } from '../../src/domain/model/model.js';
import { specFor } from '../support/given-when-then.js';

const spec = specFor(modelRegistry);
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const registered: ModelEvent = {
  type: 'ModelVersionRegistered',
  data: { model: 'churn', version: '1.0.0', digest: D1, runId: 'run-1', trainedOn: ['curated/tx_2025@v3'] },
};
const approvedProd: ModelEvent = {
  type: 'ModelApprovedForStage',
  data: { digest: D1, stage: 'production', decisionId: 'dec-1', runId: 'run-1' },
};
const register = (version: string, digest: string) =>
  ({ type: 'RegisterModelVersion', model: 'churn', version, digest, runId: 'run-1', trainedOn: ['curated/tx_2025@v3'] }) as const;
const fold = (events: ModelEvent[]) => events.reduce(modelRegistry.evolve, modelRegistry.initialState);

describe('model registry decider', () => {
  it('given nothing, when registering a version, then ModelVersionRegistered', () =>
    spec([]).when(register('1.0.0', D1)).then([registered]));

  it('given a version, when registering the same version and digest, then nothing new', () =>
    spec([registered]).when(register('1.0.0', D1)).then([]));

  it('given a version, when pinning the same version to another digest, then MODEL_VERSION_CONFLICT', () =>
    spec([registered]).when(register('1.0.0', D2)).thenFails('MODEL_VERSION_CONFLICT'));

  it('given a version, when registering its digest as another version, then MODEL_DIGEST_CONFLICT', () =>
    spec([registered]).when(register('1.0.1', D1)).thenFails('MODEL_DIGEST_CONFLICT'));

  it('given nothing, when the digest is not sha256:hex, then INVALID_MODEL_COMMAND', () =>
    spec([]).when(register('1.0.0', 'md5:abc')).thenFails('INVALID_MODEL_COMMAND'));

  it('given nothing, when a training dataset is not name@version, then INVALID_MODEL_COMMAND', () =>
    spec([])
      .when({ ...register('1.0.0', D1), trainedOn: ['curated/tx_2025'] })
      .thenFails('INVALID_MODEL_COMMAND'));

  it('given a version, when approving it for production, then ModelApprovedForStage', () =>
    spec([registered])
      .when({ type: 'ApproveModelForStage', digest: D1, stage: 'production', decisionId: 'dec-1', runId: 'run-1' })
      .then([approvedProd]));

  it('given nothing, when approving an unknown digest, then MODEL_VERSION_NOT_FOUND', () =>
    spec([])
      .when({ type: 'ApproveModelForStage', digest: D1, stage: 'production', decisionId: 'dec-1', runId: 'run-1' })
      .thenFails('MODEL_VERSION_NOT_FOUND'));

  it('given an approval, when revoking the version, then every stage approval ends and the version is revoked', () =>
    spec([registered, approvedProd])
      .when({ type: 'RevokeModelVersion', digest: D1, reason: 'training data leak' })
      .then([
        { type: 'ModelApprovalRevoked', data: { digest: D1, stage: 'production', reason: 'training data leak' } },
        { type: 'ModelVersionRevoked', data: { digest: D1, reason: 'training data leak' } },
      ]));

  it('given a revoked version, when approving it again, then MODEL_VERSION_REVOKED', () =>
    spec([registered, { type: 'ModelVersionRevoked', data: { digest: D1, reason: 'leak' } }])
      .when({ type: 'ApproveModelForStage', digest: D1, stage: 'staging', decisionId: 'dec-2', runId: 'run-2' })
      .thenFails('MODEL_VERSION_REVOKED'));

  it('given no approval for staging, when revoking that approval, then MODEL_NOT_APPROVED', () =>
    spec([registered, approvedProd])
      .when({ type: 'RevokeModelApproval', digest: D1, stage: 'staging', reason: 'x' })
      .thenFails('MODEL_NOT_APPROVED'));
});

describe('the batch inference gate (seed 003 §4.1)', () => {
  it('approves only the approved stage of a registered, unrevoked digest', () => {
    const state = fold([registered, approvedProd]);
    assert.deepEqual(gate(state, 'churn', D1, 'production'), {
      approved: true,
      verdict: 'APPROVED',
      model: 'churn',
      digest: D1,
      stage: 'production',
      version: '1.0.0',
      decisionId: 'dec-1',
      runId: 'run-1',
    });
    assert.equal(gate(state, 'churn', D1, 'staging').verdict, 'NOT_APPROVED_FOR_STAGE');
    assert.equal(gate(state, 'churn', D2, 'production').verdict, 'NOT_REGISTERED');
  });

  it('refuses a revoked digest, and a digest whose stage approval was revoked', () => {
    const revokedApproval = fold([
      registered,
      approvedProd,
      { type: 'ModelApprovalRevoked', data: { digest: D1, stage: 'production', reason: 'drift' } },
    ]);
    assert.equal(gate(revokedApproval, 'churn', D1, 'production').verdict, 'NOT_APPROVED_FOR_STAGE');
    const revoked = fold([registered, approvedProd, { type: 'ModelVersionRevoked', data: { digest: D1, reason: 'leak' } }]);
    const answer = gate(revoked, 'churn', D1, 'production');
    assert.equal(answer.verdict, 'REVOKED');
    assert.equal(answer.approved, false);
  });
});
