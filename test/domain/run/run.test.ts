import { describe, it } from 'node:test';
import { pipelineRun } from '../../../src/domain/run/run.js';
import type { RunEvent, RunTrigger } from '../../../src/domain/run/types.js';
import { specFor } from '../../support/given-when-then.js';
import { D, INITIATOR, T0, T1, T2, fail, history, inputs, pass, plan, queued, requestRun, requested, sys } from './fixtures.js';

const spec = specFor(pipelineRun);
const startBuild = { type: 'StartStage' as const, stageId: 'build', ...sys };
const buildStarted = history(requestRun(), { type: 'QueueRun', ...sys }, startBuild);
const w1 = 'wrk:code-1';
const result = (checkId: string, report = pass, attempt = 1, workerId = w1) => ({
  type: 'ReportCheckResult' as const,
  checkId,
  attempt,
  workerId,
  report,
  at: T1,
  actor: 'svc:worker-gw',
});
const recorded = (checkId: string, report = pass, attempt = 1): RunEvent => ({
  type: 'CheckResultRecorded',
  data: { checkId, attempt, workerId: w1, at: T1, ...report },
});
const extend = (events: RunEvent[], ...cmds: Parameters<typeof pipelineRun.decide>[0][]) => {
  const out = [...events];
  for (const c of cmds) out.push(...pipelineRun.decide(c, out.reduce(pipelineRun.evolve, pipelineRun.initialState)));
  return out;
};
const buildPassed = extend(buildStarted, result('unit_tests'));
const afterBuild = extend(buildPassed, result('code_lint'));
const functionalStarted = extend(afterBuild, { type: 'StartStage', stageId: 'functional-tests', ...sys });

describe('PipelineRun: request and queue', () => {
  it('given nothing, when a run is requested, then RunRequested records plan, trigger, inputs and initiator', () =>
    spec([]).when(requestRun()).then([requested]));

  it('given a requested run, when requested again, then RUN_EXISTS', () => spec([requested]).when(requestRun()).thenFails('RUN_EXISTS'));

  const triggers: RunTrigger[] = [
    { kind: 'manual', reason: 'release candidate' },
    { kind: 'commit', repository: 'r', ref: 'refs/heads/main', commit: 'b'.repeat(40) },
    { kind: 'pull_request', repository: 'r', number: 42, headCommit: 'c'.repeat(40), baseRef: 'main' },
    { kind: 'dataset_version', dataset: 'curated/tx_2025', version: '2025-11-12' },
    { kind: 'model_registered', model: 'churn', version: '2.3.1', digest: D('d') },
    { kind: 'key_rotation', keyId: 'k1', keyVersion: 2 },
    { kind: 'schedule', scheduleId: 'nightly', cron: '0 3 * * *', fireTime: '2026-03-01T03:00:00.000Z' },
  ];
  for (const t of triggers) {
    it(`given nothing, when a run is requested by a ${t.kind} trigger, then the trigger is recorded`, () =>
      spec([])
        .when(requestRun({ trigger: t }))
        .then([{ ...requested, data: { ...requested.data, trigger: t } } as RunEvent]));
  }

  const badTriggers: [string, unknown][] = [
    ['a commit that is not hex', { kind: 'commit', repository: 'r', ref: 'main', commit: 'HEAD' }],
    ['a pull request without a number', { kind: 'pull_request', repository: 'r', number: 0, headCommit: 'c'.repeat(40), baseRef: 'main' }],
    ['a model without a digest', { kind: 'model_registered', model: 'churn', version: '1', digest: 'latest' }],
    ['a schedule with a bad cron', { kind: 'schedule', scheduleId: 's', cron: 'every day', fireTime: T0 }],
    ['a schedule without fire time', { kind: 'schedule', scheduleId: 's', cron: '@daily', fireTime: 'yesterday' }],
    ['an unknown kind', { kind: 'webhook' }],
  ];
  for (const [what, t] of badTriggers) {
    it(`given nothing, when a run is requested with ${what}, then INVALID_RUN_REQUEST`, () =>
      spec([])
        .when(requestRun({ trigger: t as RunTrigger }))
        .thenFails('INVALID_RUN_REQUEST'));
  }

  it('given nothing, when a model input is not pinned by digest, then INVALID_RUN_REQUEST', () =>
    spec([])
      .when(requestRun({ inputs: { ...inputs, models: [{ name: 'churn', digest: 'v3' }] } }))
      .thenFails('INVALID_RUN_REQUEST'));

  it('given nothing, when a dataset input is "latest", then INVALID_RUN_REQUEST', () =>
    spec([])
      .when(requestRun({ inputs: { ...inputs, datasets: [{ id: 'd', version: 'latest' }] } }))
      .thenFails('INVALID_RUN_REQUEST'));

  it('given nothing, when the plan has a cycle, then INVALID_PLAN', () =>
    spec([])
      .when(requestRun({ plan: { ...plan, stages: plan.stages.map((s) => (s.id === 'build' ? { ...s, dependsOn: ['load-test'] } : s)) } }))
      .thenFails('INVALID_PLAN'));

  it('given nothing, when the actor is an e-mail address, then INVALID_ACTOR', () =>
    spec([])
      .when(requestRun({ actor: 'ana@example.org' }))
      .thenFails('INVALID_ACTOR'));

  it('given nothing, when the time is not RFC 3339 UTC, then INVALID_TIMESTAMP', () =>
    spec([])
      .when(requestRun({ at: '2026-02-30T10:00:00.000Z' }))
      .thenFails('INVALID_TIMESTAMP'));

  it('given a requested run, when queued, then RunQueued', () =>
    spec([requested])
      .when({ type: 'QueueRun', ...sys })
      .then([queued]));

  it('given a queued run, when queued again, then RUN_ALREADY_QUEUED', () =>
    spec([requested, queued])
      .when({ type: 'QueueRun', ...sys })
      .thenFails('RUN_ALREADY_QUEUED'));

  it('given nothing, when queued, then RUN_NOT_FOUND', () =>
    spec([])
      .when({ type: 'QueueRun', ...sys })
      .thenFails('RUN_NOT_FOUND'));
});

describe('PipelineRun: stages', () => {
  it('given a requested run, when a stage starts, then RUN_NOT_QUEUED', () =>
    spec([requested]).when(startBuild).thenFails('RUN_NOT_QUEUED'));

  it('given a queued run, when the first stage starts, then its checks are scheduled with their deadlines', () =>
    spec([requested, queued])
      .when(startBuild)
      .then([
        { type: 'StageStarted', data: { stageId: 'build', at: T0 } },
        {
          type: 'CheckScheduled',
          data: {
            stageId: 'build',
            checkId: 'unit_tests',
            checkType: 'UNIT_TESTS',
            attempt: 1,
            deadline: '2026-03-01T10:10:00.000Z',
            at: T0,
          },
        },
        {
          type: 'CheckScheduled',
          data: {
            stageId: 'build',
            checkId: 'code_lint',
            checkType: 'CODE_LINT',
            attempt: 1,
            deadline: '2026-03-01T10:01:00.000Z',
            at: T0,
          },
        },
      ]));

  it('given build running, when functional-tests starts, then STAGE_NOT_READY', () =>
    spec(buildStarted)
      .when({ type: 'StartStage', stageId: 'functional-tests', ...sys })
      .thenFails('STAGE_NOT_READY'));

  it('given build running, when build starts again, then STAGE_NOT_PENDING', () =>
    spec(buildStarted).when(startBuild).thenFails('STAGE_NOT_PENDING'));

  it('given a queued run, when an unknown stage starts, then UNKNOWN_STAGE', () =>
    spec([requested, queued])
      .when({ type: 'StartStage', stageId: 'deploy', ...sys })
      .thenFails('UNKNOWN_STAGE'));

  it('given a queued run, when a stage ready to run is skipped, then STAGE_MUST_RUN', () =>
    spec([requested, queued])
      .when({ type: 'SkipStage', stageId: 'build', ...sys })
      .thenFails('STAGE_MUST_RUN'));
});

describe('PipelineRun: checks', () => {
  it('given build running, when a worker starts a check, then CheckStarted with a deadline from the start', () =>
    spec(buildStarted)
      .when({ type: 'StartCheck', checkId: 'unit_tests', attempt: 1, workerId: w1, at: T1, actor: 'svc:worker-gw' })
      .then([
        { type: 'CheckStarted', data: { checkId: 'unit_tests', attempt: 1, workerId: w1, deadline: '2026-03-01T10:11:00.000Z', at: T1 } },
      ]));

  it('given a check started by one worker, when another worker reports, then WORKER_MISMATCH', () =>
    spec(extend(buildStarted, { type: 'StartCheck', checkId: 'unit_tests', attempt: 1, workerId: w1, at: T1, actor: 'svc:g' }))
      .when(result('unit_tests', pass, 1, 'wrk:other'))
      .thenFails('WORKER_MISMATCH'));

  it('given a check started, when it is started again, then CHECK_ALREADY_STARTED', () =>
    spec(extend(buildStarted, { type: 'StartCheck', checkId: 'unit_tests', attempt: 1, workerId: w1, at: T1, actor: 'svc:g' }))
      .when({ type: 'StartCheck', checkId: 'unit_tests', attempt: 1, workerId: w1, at: T1, actor: 'svc:g' })
      .thenFails('CHECK_ALREADY_STARTED'));

  it('given build running, when one check of two passes, then only the result is recorded', () =>
    spec(buildStarted)
      .when(result('unit_tests'))
      .then([recorded('unit_tests')]));

  it('given one required check passed, when the optional check fails, then the stage still passes', () =>
    spec(buildPassed)
      .when(result('code_lint', fail))
      .then([recorded('code_lint', fail), { type: 'StagePassed', data: { stageId: 'build', at: T1 } }]));

  it('given a check that has a result, when a second result comes, then CHECK_ALREADY_FINISHED', () =>
    spec(buildPassed).when(result('unit_tests', fail)).thenFails('CHECK_ALREADY_FINISHED'));

  it('given build running, when a check of a stage not started reports, then CHECK_NOT_SCHEDULED', () =>
    spec(buildStarted).when(result('functional')).thenFails('CHECK_NOT_SCHEDULED'));

  it('given build running, when an unknown check reports, then UNKNOWN_CHECK', () =>
    spec(buildStarted).when(result('nope')).thenFails('UNKNOWN_CHECK'));

  it('given build running, when a result names another attempt, then STALE_ATTEMPT', () =>
    spec(buildStarted)
      .when(result('unit_tests', pass, 2))
      .thenFails('STALE_ATTEMPT'));

  it('given build running, when the evidence is not a sha256 digest, then INVALID_CHECK_REPORT', () =>
    spec(buildStarted)
      .when(result('unit_tests', { ...pass, evidence: ['report.html'] }))
      .thenFails('INVALID_CHECK_REPORT'));

  it('given build running, when a finding has an unknown severity, then INVALID_CHECK_REPORT', () =>
    spec(buildStarted)
      .when(result('unit_tests', { ...fail, findings: [{ id: 'x', severity: 'SEVERE' as 'HIGH' }] }))
      .thenFails('INVALID_CHECK_REPORT'));

  const error = (attempt: number) => ({
    type: 'ReportCheckError' as const,
    checkId: 'unit_tests',
    attempt,
    workerId: w1,
    error: 'runner OOM',
    at: T1,
    actor: 'svc:g',
  });

  it('given a check with a retry left, when it errors, then CheckErrored and a retry is scheduled', () =>
    spec(buildStarted)
      .when(error(1))
      .then([
        { type: 'CheckErrored', data: { checkId: 'unit_tests', attempt: 1, workerId: w1, error: 'runner OOM', final: false, at: T1 } },
        {
          type: 'CheckRetryScheduled',
          data: { checkId: 'unit_tests', attempt: 2, previousAttempt: 1, reason: 'ERROR', deadline: '2026-03-01T10:11:00.000Z', at: T1 },
        },
      ]));

  it('given a retried check, when the old attempt reports, then STALE_ATTEMPT', () =>
    spec(extend(buildStarted, error(1)))
      .when(result('unit_tests', pass, 1))
      .thenFails('STALE_ATTEMPT'));

  it('given the last retry and the other check ended, when it errors again, then the error is final and the stage fails', () =>
    spec(extend(buildStarted, error(1), result('code_lint')))
      .when(error(2))
      .then([
        { type: 'CheckErrored', data: { checkId: 'unit_tests', attempt: 2, workerId: w1, error: 'runner OOM', final: true, at: T1 } },
        { type: 'StageFailed', data: { stageId: 'build', failedChecks: ['unit_tests'], at: T1 } },
      ]));

  it('given build running, when an error report has no message, then INVALID_CHECK_ERROR', () =>
    spec(buildStarted)
      .when({ ...error(1), error: '' })
      .thenFails('INVALID_CHECK_ERROR'));

  it('given build running, when the worker id is a host name, then INVALID_WORKER_ID', () =>
    spec(buildStarted)
      .when(result('unit_tests', pass, 1, 'build-host-7.example.org'))
      .thenFails('INVALID_WORKER_ID'));

  it('given a check before its deadline, when it is timed out, then CHECK_NOT_OVERDUE', () =>
    spec(buildStarted)
      .when({ type: 'TimeOutCheck', checkId: 'code_lint', attempt: 1, at: '2026-03-01T10:00:59.999Z', actor: 'svc:o' })
      .thenFails('CHECK_NOT_OVERDUE'));

  it('given a check without retries past its deadline, when it is timed out, then CheckTimedOut is final', () =>
    spec(buildStarted)
      .when({ type: 'TimeOutCheck', checkId: 'code_lint', attempt: 1, at: T1, actor: 'svc:o' })
      .then([{ type: 'CheckTimedOut', data: { checkId: 'code_lint', attempt: 1, deadline: T1, final: true, at: T1 } }]));

  it('given a check with a retry past its deadline, when it is timed out, then a retry is scheduled', () =>
    spec(buildStarted)
      .when({ type: 'TimeOutCheck', checkId: 'unit_tests', attempt: 1, at: '2026-03-01T10:10:00.000Z', actor: 'svc:o' })
      .then([
        {
          type: 'CheckTimedOut',
          data: { checkId: 'unit_tests', attempt: 1, deadline: '2026-03-01T10:10:00.000Z', final: false, at: '2026-03-01T10:10:00.000Z' },
        },
        {
          type: 'CheckRetryScheduled',
          data: {
            checkId: 'unit_tests',
            attempt: 2,
            previousAttempt: 1,
            reason: 'TIMEOUT',
            deadline: '2026-03-01T10:20:00.000Z',
            at: '2026-03-01T10:10:00.000Z',
          },
        },
      ]));
});

describe('PipelineRun: conditions, decision and end', () => {
  const functionalFailed = extend(functionalStarted, result('functional', fail));
  const functionalPassed = extend(functionalStarted, result('functional'));

  it('given functional-tests failed, when load-test (PASSED only) starts, then STAGE_CONDITION_UNMET', () =>
    spec(functionalFailed)
      .when({ type: 'StartStage', stageId: 'load-test', ...sys })
      .thenFails('STAGE_CONDITION_UNMET'));

  it('given functional-tests failed, when load-test is skipped, then StageSkipped CONDITION_UNMET', () =>
    spec(functionalFailed)
      .when({ type: 'SkipStage', stageId: 'load-test', ...sys })
      .then([
        {
          type: 'StageSkipped',
          data: {
            stageId: 'load-test',
            reason: 'CONDITION_UNMET',
            detail: 'runs only when functional-tests is PASSED; it is FAILED',
            at: T0,
          },
        },
      ]));

  it('given load-test skipped, when diagnostics (no checks) starts, then it passes and the run awaits its decision', () =>
    spec(extend(functionalFailed, { type: 'SkipStage', stageId: 'load-test', ...sys }))
      .when({ type: 'StartStage', stageId: 'diagnostics', ...sys })
      .then([
        { type: 'StageStarted', data: { stageId: 'diagnostics', at: T0 } },
        { type: 'StagePassed', data: { stageId: 'diagnostics', at: T0 } },
        {
          type: 'RunAwaitingDecision',
          data: {
            runId: 'r1',
            passedStages: ['build', 'diagnostics'],
            failedStages: ['functional-tests'],
            skippedStages: ['load-test'],
            at: T0,
          },
        },
      ]));

  const awaiting = extend(
    functionalPassed,
    { type: 'SkipStage', stageId: 'diagnostics', ...sys },
    { type: 'StartStage', stageId: 'load-test', ...sys },
    result('perf_test'),
  );

  it('given the run awaits its decision, when a check reports, then CHECK_ALREADY_FINISHED', () =>
    spec(awaiting).when(result('perf_test')).thenFails('CHECK_ALREADY_FINISHED'));

  it('given a running run, when completed, then RUN_NOT_AWAITING_DECISION', () =>
    spec(functionalPassed)
      .when({ type: 'CompleteRun', outcome: 'APPROVED', reasons: [], ...sys })
      .thenFails('RUN_NOT_AWAITING_DECISION'));

  it('given the run awaits its decision, when completed with an unknown outcome, then INVALID_OUTCOME', () =>
    spec(awaiting)
      .when({ type: 'CompleteRun', outcome: 'MAYBE' as 'APPROVED', reasons: [], ...sys })
      .thenFails('INVALID_OUTCOME'));

  it('given the run awaits its decision, when approved, then RunSucceeded', () =>
    spec(awaiting)
      .when({ type: 'CompleteRun', outcome: 'APPROVED', reasons: ['policy APPROVED, 2 approvals'], at: T2, actor: 'svc:o' })
      .then([{ type: 'RunSucceeded', data: { runId: 'r1', reasons: ['policy APPROVED, 2 approvals'], at: T2 } }]));

  it('given the run awaits its decision, when rejected, then RunFailed', () =>
    spec(awaiting)
      .when({ type: 'CompleteRun', outcome: 'REJECTED', reasons: ['vetoed'], at: T2, actor: 'svc:o' })
      .then([{ type: 'RunFailed', data: { runId: 'r1', reasons: ['vetoed'], at: T2 } }]));

  it('given a running run, when cancelled, then RunCancelled names who cancelled it', () =>
    spec(buildStarted)
      .when({ type: 'CancelRun', reason: 'superseded by a newer commit', at: T1, actor: INITIATOR })
      .then([{ type: 'RunCancelled', data: { runId: 'r1', reason: 'superseded by a newer commit', by: INITIATOR, at: T1 } }]));

  it('given a run with an empty reason, when cancelled, then INVALID_REASON', () =>
    spec(buildStarted).when({ type: 'CancelRun', reason: ' ', at: T1, actor: INITIATOR }).thenFails('INVALID_REASON'));

  it('given a cancelled run, when a worker reports, then RUN_ENDED', () =>
    spec(extend(buildStarted, { type: 'CancelRun', reason: 'stop', at: T1, actor: INITIATOR }))
      .when(result('unit_tests'))
      .thenFails('RUN_ENDED'));

  it('given a succeeded run, when cancelled, then RUN_ENDED', () =>
    spec(extend(awaiting, { type: 'CompleteRun', outcome: 'APPROVED', reasons: [], ...sys }))
      .when({ type: 'CancelRun', reason: 'late', ...sys })
      .thenFails('RUN_ENDED'));
});
