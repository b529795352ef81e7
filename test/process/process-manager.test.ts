import assert from 'node:assert/strict';
import type { EventEnvelope } from 'ledger-verify';
import { after, before, describe, it } from 'node:test';
import { runDecision } from '../../src/domain/decision/decision.js';
import { decisionStream } from '../../src/domain/decision/types.js';
import { managedKey, mkeyStream } from '../../src/domain/mkey/mkey.js';
import { gate, modelRegistry, modelStream } from '../../src/domain/model/model.js';
import { pipelineRun } from '../../src/domain/run/run.js';
import { runStream, type CheckReport, type RunState } from '../../src/domain/run/types.js';
import { reportScheduled, type Outcome } from '../../src/demo/workers.js';
import type { Ledger } from '../../src/ledger/open-ledger.js';
import { readState } from '../../src/ledger/read-state.js';
import { RequestPipelineRunCommand } from '../../src/process/commands/request-pipeline-run.command.js';
import { ProcessManager } from '../../src/process/process-manager.js';
import { useLedgerFixture } from '../support/ledger-fixture.js';
import { dispatcher, ledgerOf, seedFraudProject, userMeta } from './harness.js';

const MODEL_DIGEST = `sha256:${'7'.repeat(64)}`;

const passing: Outcome = (c) => {
  const metrics: Record<string, Record<string, number>> = {
    unit_tests: { coverage: 0.91 },
    offline_metrics: { f1_score: 0.88 },
    perf_test: { latency_ms_p95: 120 },
  };
  return { outcome: 'PASS', metrics: metrics[c.id] ?? {}, findings: [], evidence: [] } satisfies CheckReport;
};

describe('process manager', () => {
  const ctx = useLedgerFixture();
  describe('on the global log, with a checkpoint in PostgreSQL', () => {
    let ledger: Ledger;
    let pm: ProcessManager;
    let offsetMs = 0;
    const logs: string[] = [];
    const execute = <T>(c: object): Promise<T> => dispatcher(ledger)<T>(c);
    const newManager = () =>
      new ProcessManager(ledger, {
        execute,
        now: () => new Date(Date.now() + offsetMs),
        sweepIntervalMs: 3_600_000,
        log: (l) => logs.push(l),
      });

    before(async () => {
      ledger = ledgerOf(ctx);
      await seedFraudProject(ledger);
      pm = newManager();
      await pm.start();
    });
    after(async () => {
      await pm.stop();
    });

    async function request(runId: string): Promise<void> {
      await execute(
        new RequestPipelineRunCommand(
          runId,
          'fraud',
          'staging',
          { kind: 'manual', reason: 'test' },
          { datasets: [], models: [], parameters: {} },
          userMeta(),
        ),
      );
    }

    /** Plays the workers until the run ends (or `stop` says so). */
    async function drive(runId: string, outcome: Outcome, stop = (s: RunState) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(s.status)) {
      for (let round = 0; round < 200; round++) {
        await pm.caughtUp();
        const { state, reported } = await reportScheduled(ledger, execute, runId, 'wrk:test-1', outcome, () => userMeta('wrk:test-1'));
        if (stop(state)) return state;
        if (reported === 0) await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`run ${runId} did not finish`);
    }

    it('schedules the stages in DAG order, evaluates the policy, completes the run and approves the model it registered', async () => {
      await request('run-ok');
      await ledger.writer.execute(
        modelStream('fraud-model'),
        modelRegistry,
        { type: 'RegisterModelVersion', model: 'fraud-model', version: 'v3.4.1', digest: MODEL_DIGEST, runId: 'run-ok', trainedOn: [] },
        userMeta('svc:trainer'),
      );
      const end = await drive('run-ok', passing);
      assert.equal(end.status, 'SUCCEEDED');
      const events = (await ledger.store.readStream(runStream('run-ok'))).map((r) => JSON.parse(r.data) as EventEnvelope);
      const started = events.filter((e) => e.type === 'StageStarted').map((e) => (e.data as { stageId: string }).stageId);
      assert.deepEqual(started, ['build', 'data_validation', 'model_training', 'pre_deploy']);
      const decision = await readState(ledger.store, decisionStream('run-ok'), runDecision);
      assert.equal(decision.state.status, 'APPROVED');
      assert.equal(decision.state.evaluation?.verdict, 'APPROVED');
      await pm.caughtUp();
      const model = await readState(ledger.store, modelStream('fraud-model'), modelRegistry);
      const answer = gate(model.state, 'fraud-model', MODEL_DIGEST, 'staging');
      assert.equal(answer.approved, true);
      assert.equal(answer.runId, 'run-ok');
      // Every command it issued names the event that caused it.
      const byPm = events.filter((e) => e.actor.id === 'svc:process-manager');
      assert.ok(byPm.length >= 5);
      for (const e of byPm) assert.match(e.meta.commandId, /^pm:[0-9a-f]{40}$/);
    });

    it('times out a check that never reports (the sweep, with the clock moved past its deadline)', async () => {
      await request('run-silent');
      const silent: Outcome = (c) => (c.id === 'tls_policy' ? undefined : passing(c));
      const waiting = await drive(
        'run-silent',
        silent,
        (s) =>
          s.stages.get('pre_deploy') === 'RUNNING' &&
          s.checks.get('perf_test')?.status === 'PASS' &&
          s.checks.get('penetration_test')?.status === 'PASS',
      );
      assert.equal(waiting.status, 'RUNNING');
      const { state } = await readState(ledger.store, runStream('run-silent'), pipelineRun);
      assert.equal(state.checks.get('tls_policy')?.status, 'SCHEDULED');
      assert.equal(await pm.sweepNow(), 0, 'nothing is overdue yet');
      offsetMs = 601_000; // ds-ia-crypto checks time out after 600 s, with no retry
      try {
        assert.equal(await pm.sweepNow(), 1);
      } finally {
        offsetMs = 0;
      }
      const end = await drive('run-silent', silent);
      assert.equal(end.status, 'FAILED');
      assert.equal(end.checks.get('tls_policy')?.status, 'TIMED_OUT');
      assert.equal(end.stages.get('pre_deploy'), 'FAILED');
      const decision = await readState(ledger.store, decisionStream('run-silent'), runDecision);
      assert.equal(decision.state.evaluation?.verdict, 'REJECTED');
    });

    it('starts the owning project’s crypto pipeline when a managed key rotates', async () => {
      const stream = mkeyStream('fraud-signing');
      const stamp = { at: new Date().toISOString(), actor: 'usr:keyadmin' };
      await ledger.writer.execute(
        stream,
        managedKey,
        {
          ...stamp,
          type: 'RegisterKey',
          keyId: 'fraud-signing',
          projectId: 'fraud',
          kmsRef: 'kms://fraud/signing/1',
          purpose: 'signing',
          cryptoperiodDays: 365,
          algorithm: 'ED25519',
          sizeBits: 256,
        },
        userMeta('usr:keyadmin'),
      );
      await ledger.writer.execute(
        stream,
        managedKey,
        { ...stamp, type: 'RotateKey', kmsRef: 'kms://fraud/signing/2', reason: 'scheduled rotation', algorithm: 'ED25519', sizeBits: 256 },
        userMeta('usr:keyadmin'),
      );
      await pm.caughtUp();
      const requested = (await ledger.store.readAll())
        .map((r) => JSON.parse(r.data) as EventEnvelope)
        .filter((e) => e.type === 'RunRequested' && (e.data as { trigger: { kind: string } }).trigger.kind === 'key_rotation');
      assert.equal(requested.length, 1);
      const data = requested[0]!.data as {
        projectId: string;
        trigger: { keyId: string; keyVersion: number };
        plan: { blueprint: { id: string } };
      };
      assert.equal(data.projectId, 'fraud');
      assert.deepEqual(data.trigger, { kind: 'key_rotation', keyId: 'fraud-signing', keyVersion: 2 });
      assert.equal(data.plan.blueprint.id, 'crypto-lib');
      assert.equal(requested[0]!.actor.id, 'svc:process-manager');
    });

    it('replaying the whole log from position 0 issues nothing new (command ids derive from the events)', async () => {
      await pm.caughtUp();
      await pm.stop();
      const head = await ledger.store.headPosition();
      await ctx.db.pool.query('UPDATE ql_process_checkpoints SET position = 0');
      pm = newManager();
      await pm.start();
      await pm.caughtUp(head);
      assert.equal(await ledger.store.headPosition(), head);
      const { rows } = await ctx.db.pool.query<{ position: string }>('SELECT position FROM ql_process_checkpoints');
      assert.equal(Number(rows[0]?.position), head);
    });
  });
});
