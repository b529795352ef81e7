import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordBatchManifestCommand } from '../../src/commands/batches/record-batch-manifest.command.js';
import { RecordBatchManifestHandler } from '../../src/commands/batches/record-batch-manifest.handler.js';
import { ApproveModelForStageCommand } from '../../src/commands/models/approve-model-for-stage.command.js';
import { ApproveModelForStageHandler } from '../../src/commands/models/approve-model-for-stage.handler.js';
import { RegisterModelVersionCommand } from '../../src/commands/models/register-model-version.command.js';
import { RegisterModelVersionHandler } from '../../src/commands/models/register-model-version.handler.js';
import { RevokeModelVersionCommand } from '../../src/commands/models/revoke-model-version.command.js';
import { RevokeModelVersionHandler } from '../../src/commands/models/revoke-model-version.handler.js';
import { batchJob, batchStream, type BatchManifest } from '../../src/domain/batch/batch.js';
import { LedgerError } from '../../src/domain/errors.js';
import { modelStream } from '../../src/domain/model/model.js';
import type { Ledger } from '../../src/ledger/open-ledger.js';
import { IsModelApprovedQuery } from '../../src/queries/models/is-model-approved.query.js';
import { IsModelApprovedHandler } from '../../src/queries/models/is-model-approved.handler.js';
import { meta, useLedgerFixture } from '../support/ledger-fixture.js';

const DIGEST = `sha256:${'4'.repeat(64)}`;
const rejectsWith = (code: string) => (e: unknown) => e instanceof LedgerError && e.code === code;

describe('batch inference gate and manifests on the ledger', () => {
  const ctx = useLedgerFixture();
  const ledger = () => ({ store: ctx.fx.store, writer: ctx.fx.writer }) as unknown as Ledger;
  const manifest = (partition: string): BatchManifest => ({
    jobId: 'job-42',
    partition,
    runId: 'run-9',
    stage: 'production',
    model: { name: 'fraud', digest: DIGEST },
    dataset: { id: 'curated/tx_2025', version: 'v3' },
    rowsIn: 10,
    rowsOut: 10,
    sanityChecks: [{ name: 'nulls', status: 'PASS', value: 0 }],
    policyDigest: `sha256:${'a'.repeat(64)}`,
    configHash: `sha256:${'b'.repeat(64)}`,
    artifacts: [],
  });

  it('answers the gate from the model stream and records manifests only for an approved, unrevoked digest', async () => {
    const ask = () => new IsModelApprovedHandler(ledger()).execute(new IsModelApprovedQuery('fraud', DIGEST, 'production'));
    assert.equal((await ask()).verdict, 'NOT_REGISTERED');

    await new RegisterModelVersionHandler(ledger()).execute(
      new RegisterModelVersionCommand(
        'fraud',
        { model: 'fraud', version: '2.1.0', digest: DIGEST, runId: 'run-1', trainedOn: ['curated/tx_2024@v9'] },
        meta(),
      ),
    );
    assert.equal((await ask()).verdict, 'NOT_APPROVED_FOR_STAGE');
    const record = new RecordBatchManifestHandler(ledger());
    const head = await ctx.fx.store.headPosition();
    await assert.rejects(record.execute(new RecordBatchManifestCommand(manifest('p1'), meta())), rejectsWith('MODEL_NOT_APPROVED'));
    assert.equal(await ctx.fx.store.headPosition(), head, 'a refused manifest appends nothing');

    await new ApproveModelForStageHandler(ledger()).execute(
      new ApproveModelForStageCommand('fraud', { digest: DIGEST, stage: 'production', decisionId: 'dec-5', runId: 'run-1' }, meta()),
    );
    assert.deepEqual(await ask(), {
      approved: true,
      verdict: 'APPROVED',
      model: 'fraud',
      digest: DIGEST,
      stage: 'production',
      version: '2.1.0',
      decisionId: 'dec-5',
      runId: 'run-1',
    });
    const written = await record.execute(new RecordBatchManifestCommand(manifest('p1'), meta()));
    assert.equal(written.events[0]?.type, 'BatchManifestRecorded');

    await new RevokeModelVersionHandler(ledger()).execute(
      new RevokeModelVersionCommand('fraud', { digest: DIGEST, reason: 'bias found in audit' }, meta()),
    );
    assert.equal((await ask()).verdict, 'REVOKED');
    const before = await ctx.fx.store.headPosition();
    await assert.rejects(record.execute(new RecordBatchManifestCommand(manifest('p2'), meta())), rejectsWith('MODEL_NOT_APPROVED'));
    assert.equal(await ctx.fx.store.headPosition(), before);
    assert.equal((await ctx.fx.store.readStream(batchStream('job-42'))).length, 1);
  });

  it('fences a manifest on the registry revision it was decided against: a revocation in between wins', async () => {
    const digest = `sha256:${'5'.repeat(64)}`;
    await new RegisterModelVersionHandler(ledger()).execute(
      new RegisterModelVersionCommand('risk', { model: 'risk', version: '1.0.0', digest, runId: null, trainedOn: [] }, meta()),
    );
    await new ApproveModelForStageHandler(ledger()).execute(
      new ApproveModelForStageCommand('risk', { digest, stage: 'production', decisionId: 'dec-1', runId: 'run-1' }, meta()),
    );
    const seenRevision = await ctx.fx.store.streamRevision(modelStream('risk'));
    const staleAnswer = {
      approved: true,
      verdict: 'APPROVED',
      model: 'risk',
      digest,
      stage: 'production',
      version: '1.0.0',
      decisionId: 'dec-1',
      runId: 'run-1',
    } as const;
    await new RevokeModelVersionHandler(ledger()).execute(
      new RevokeModelVersionCommand('risk', { digest, reason: 'compromised artifact' }, meta()),
    );

    const m = { ...manifest('p1'), jobId: 'job-race', model: { name: 'risk', digest } };
    await assert.rejects(
      ctx.fx.writer.execute(batchStream('job-race'), batchJob, { type: 'RecordBatchManifest', manifest: m, gate: staleAnswer }, meta(), {
        preconditions: [{ stream: modelStream('risk'), revision: seenRevision }],
      }),
      rejectsWith('PRECONDITION_FAILED'),
    );
    assert.equal(await ctx.fx.store.streamRevision(batchStream('job-race')), -1);
  });
});
