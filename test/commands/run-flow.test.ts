import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { verifyLedger, type EventEnvelope } from 'ledger-verify';
import { AppModule } from '../../src/app/app.module.js';
import { CloseDecisionCommand } from '../../src/commands/decisions/close-decision.command.js';
import { GrantApprovalCommand } from '../../src/commands/decisions/grant-approval.command.js';
import { OpenDecisionCommand } from '../../src/commands/decisions/open-decision.command.js';
import { RecordPolicyEvaluationCommand } from '../../src/commands/decisions/record-policy-evaluation.command.js';
import { RegisterManagedKeyCommand } from '../../src/commands/mkeys/register-managed-key.command.js';
import { RotateManagedKeyCommand } from '../../src/commands/mkeys/rotate-managed-key.command.js';
import type { CommandResult } from '../../src/commands/runs/command-result.js';
import { CompleteRunCommand } from '../../src/commands/runs/complete-run.command.js';
import { QueueRunCommand } from '../../src/commands/runs/queue-run.command.js';
import { ReportCheckResultCommand } from '../../src/commands/runs/report-check-result.command.js';
import { RequestRunCommand } from '../../src/commands/runs/request-run.command.js';
import { SkipStageCommand } from '../../src/commands/runs/skip-stage.command.js';
import { StartCheckCommand } from '../../src/commands/runs/start-check.command.js';
import { StartStageCommand } from '../../src/commands/runs/start-stage.command.js';
import { loadConfig } from '../../src/config/config.js';
import type { CommandMetadata } from '../../src/domain/decider.js';
import { Forbidden, IllegalState, NotFound, ValidationError } from '../../src/domain/errors.js';
import type { ManagedKeyEvent } from '../../src/domain/mkey/mkey.js';
import { nextSteps } from '../../src/domain/run/next-steps.js';
import { pipelineRun } from '../../src/domain/run/run.js';
import type { RunEvent } from '../../src/domain/run/types.js';
import type { Ledger } from '../../src/ledger/open-ledger.js';
import { foldStream } from '../../src/commands/runs/load-stream.js';
import { D, inputs, pass, plan } from '../domain/run/fixtures.js';
import { meta, useLedgerFixture } from '../support/ledger-fixture.js';

const user = (id: string): Partial<CommandMetadata> => ({ actor: { id, kind: 'user' } });
const svc: Partial<CommandMetadata> = { actor: { id: 'svc:orchestrator', kind: 'service' } };

describe('a run through the CommandBus and the LedgerWriter (PostgreSQL)', () => {
  const ctx = useLedgerFixture();
  let app: INestApplicationContext;
  let bus: CommandBus;
  const run = 'r-flow-1';

  after(async () => {
    await app?.close();
  });

  const exec = (c: object) => bus.execute(c as never) as Promise<CommandResult>;
  const streamTypes = async (stream: string) => (await ctx.fx.store.readStream(stream)).map((r) => r.type);

  it('starts the application with the real module', async () => {
    const ledger = { ...ctx.fx, pool: ctx.db.pool, database: 'test', insecureKeys: true } as unknown as Ledger;
    app = await NestFactory.createApplicationContext(AppModule.forLedger(ledger, loadConfig({})), { logger: false });
    bus = app.get(CommandBus);
  });

  it('a key rotation records the trigger that requests the crypto pipeline run', async () => {
    await exec(
      new RegisterManagedKeyCommand(
        {
          keyId: 'k-pay',
          projectId: 'p1',
          algorithm: 'AES-GCM',
          sizeBits: 256,
          kmsRef: 'vault://transit/keys/pay-v1',
          purpose: 'encryption',
          cryptoperiodDays: 90,
        },
        meta(user('usr:sec-1')),
      ),
    );
    const rotated = await exec(
      new RotateManagedKeyCommand(
        'k-pay',
        { algorithm: 'AES-GCM', sizeBits: 256, kmsRef: 'vault://transit/keys/pay-v2', reason: 'scheduled' },
        meta(svc),
      ),
    );
    const [envelope] = (await ctx.fx.store.readStream('mkey-k-pay', { fromRevision: rotated.revision })).map(
      (r) => JSON.parse(r.data) as EventEnvelope,
    );
    const rotation = { type: envelope?.type, data: envelope?.data } as ManagedKeyEvent;
    assert.equal(rotation.type, 'ManagedKeyRotated');
    if (rotation.type !== 'ManagedKeyRotated') return;
    assert.deepEqual(rotation.data.trigger, { kind: 'key_rotation', projectId: 'p1', keyId: 'k-pay', keyVersion: 2 });

    const { trigger } = rotation.data;
    await exec(
      new RequestRunCommand(
        {
          runId: run,
          projectId: trigger.projectId,
          environment: 'production',
          plan,
          trigger: { kind: 'key_rotation', keyId: trigger.keyId, keyVersion: trigger.keyVersion },
          inputs,
        },
        meta(user('usr:dev-1')),
      ),
    );
    assert.deepEqual(await streamTypes(`run-${run}`), ['RunRequested']);
  });

  it('drives the stages and checks the DAG allows, as a process manager would with nextSteps', async () => {
    await exec(new QueueRunCommand(run, {}, meta(svc)));
    for (let round = 0; round < 10; round++) {
      const { state } = await foldStream(ctx.fx.store, `run-${run}`, pipelineRun);
      const next = nextSteps(state, new Date().toISOString());
      if (next.awaitingDecision) break;
      for (const s of next.stagesToSkip) await exec(new SkipStageCommand(run, { stageId: s.stageId }, meta(svc)));
      for (const stageId of next.stagesToStart) {
        await exec(new StartStageCommand(run, { stageId }, meta(svc)));
        for (const c of plan.stages.find((s) => s.id === stageId)?.checks ?? []) {
          await exec(
            new StartCheckCommand(
              run,
              { checkId: c.id, attempt: 1, workerId: 'wrk:w1' },
              meta({ actor: { id: 'wrk:w1', kind: 'worker' } }),
            ),
          );
          await exec(
            new ReportCheckResultCommand(
              run,
              { checkId: c.id, attempt: 1, workerId: 'wrk:w1', report: pass },
              meta({ actor: { id: 'wrk:w1', kind: 'worker' } }),
            ),
          );
        }
      }
    }
    const types = await streamTypes(`run-${run}`);
    assert.equal(types.at(-1), 'RunAwaitingDecision');
    assert.equal(types.filter((t) => t === 'CheckResultRecorded').length, 4);
    assert.deepEqual(
      types.filter((t) => t.startsWith('Stage')),
      ['StageStarted', 'StagePassed', 'StageStarted', 'StagePassed', 'StageSkipped', 'StageStarted', 'StagePassed'],
    );
  });

  it('an invalid request is a typed error and writes nothing', async () => {
    await assert.rejects(
      exec(
        new RequestRunCommand(
          {
            runId: 'r-flow-bad',
            projectId: 'p1',
            environment: 'production',
            plan,
            trigger: { kind: 'manual', reason: 'x' },
            inputs: { ...inputs, models: [{ name: 'm', digest: 'latest' }] },
          },
          meta(user('usr:dev-1')),
        ),
      ),
      (e: unknown) => e instanceof ValidationError && e.code === 'INVALID_RUN_REQUEST',
    );
    assert.deepEqual(await ctx.fx.store.readStream('run-r-flow-bad'), []);
  });

  it('the decision and the outcome are read from the streams, not taken from the caller', async () => {
    await assert.rejects(
      exec(new CompleteRunCommand(run, meta(svc))),
      (e: unknown) => e instanceof IllegalState && e.code === 'DECISION_PENDING',
    );
    await assert.rejects(
      exec(new OpenDecisionCommand('r-flow-bad', meta(svc))),
      (e: unknown) => e instanceof NotFound && e.code === 'RUN_NOT_FOUND',
    );
    assert.deepEqual(await ctx.fx.store.readStream('decision-r-flow-bad'), []);
  });

  it('the decision refuses the initiator, needs two approvers in production, then the run succeeds', async () => {
    await exec(new OpenDecisionCommand(run, meta(svc)));
    const evaluation = {
      verdict: 'NEEDS_APPROVAL' as const,
      explanation: { summary: [], conditions: [] },
      blueprintDigest: plan.blueprint.digest,
      policyDigest: D('c'),
      engineVersion: 'cel/1',
      inputsDigest: D('f'),
      evaluatedAt: new Date().toISOString(),
      waiverIds: [],
    };
    await exec(new RecordPolicyEvaluationCommand(run, evaluation, meta({ actor: { id: 'svc:policy', kind: 'service' } })));
    const before = await ctx.fx.store.streamRevision(`decision-${run}`);
    await assert.rejects(
      exec(new GrantApprovalCommand(run, { role: 'release-manager', comment: '' }, meta(user('usr:dev-1')))),
      (e: unknown) => e instanceof Forbidden && e.code === 'SEPARATION_OF_DUTIES',
    );
    assert.equal(await ctx.fx.store.streamRevision(`decision-${run}`), before);

    await exec(new GrantApprovalCommand(run, { role: 'release-manager', comment: 'ok' }, meta(user('usr:rm-1'))));
    const second = meta(user('usr:rm-2'));
    const approved = await exec(new GrantApprovalCommand(run, { role: 'release-manager', comment: 'ok' }, second));
    assert.deepEqual(
      approved.events.map((e) => e.type),
      ['ApprovalGranted', 'DecisionApproved'],
    );
    const replay = await exec(new GrantApprovalCommand(run, { role: 'release-manager', comment: 'ok' }, second));
    assert.equal(replay.idempotent, true);
    await assert.rejects(
      exec(new CloseDecisionCommand(run, {}, meta(svc))),
      (e: unknown) => e instanceof Error && 'code' in e && e.code === 'DECISION_FINAL',
    );

    await exec(new CompleteRunCommand(run, meta(svc)));
    const last = (await ctx.fx.store.readStream(`run-${run}`)).at(-1);
    const envelope = JSON.parse(last?.data ?? '{}') as EventEnvelope<Extract<RunEvent, { type: 'RunSucceeded' }>['data']>;
    assert.equal(envelope.type, 'RunSucceeded');
    assert.match(envelope.data.reasons.join(' '), /usr:rm-1 \(release-manager\), usr:rm-2 \(release-manager\)/);
  });

  it('every event is signed and chained: the offline verifier accepts the whole log', async () => {
    const all = await ctx.fx.store.readAll();
    const report = await verifyLedger(
      async function* () {
        for (const r of all) yield await Promise.resolve(r.data);
      },
      { trustRoot: ctx.fx.trustRoot },
    );
    assert.deepEqual(report.failures, []);
    assert.equal(report.ok, true);
    assert.equal(report.events, all.length);
    assert.ok(all.some((r) => r.stream === `decision-${run}`) && all.some((r) => r.stream === 'mkey-k-pay'));
  });
});
