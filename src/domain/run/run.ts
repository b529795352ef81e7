import type { Decider } from '../decider.js';
import { Forbidden, IllegalState, NotFound, ValidationError } from '../errors.js';
import { readiness } from './next-steps.js';
import { assertValidPlan, type PlanCheck, type RunPlan } from './plan.js';
import { addSeconds, requireTime } from './time.js';
import {
  TERMINAL_CHECK,
  TERMINAL_RUN,
  TERMINAL_STAGE,
  type CheckState,
  type RunCommand,
  type RunEvent,
  type RunState,
  type StageStatus,
} from './types.js';
import { ENTITY_ID, PRINCIPAL_ID, environmentOk, fail, inputsProblems, reportProblems, text, triggerProblems } from './validate.js';

const initialState: RunState = { status: 'NONE', stages: new Map(), checks: new Map() };

function evolve(state: RunState, event: RunEvent): RunState {
  const setStage = (id: string, s: StageStatus) => ({ ...state, stages: new Map(state.stages).set(id, s) });
  const setCheck = (id: string, patch: Partial<CheckState>) => {
    const old = state.checks.get(id) as CheckState;
    return { ...state, checks: new Map(state.checks).set(id, { ...old, ...patch }) };
  };
  switch (event.type) {
    case 'RunRequested': {
      const d = event.data;
      const stages = new Map<string, StageStatus>(d.plan.stages.map((s) => [s.id, 'PENDING']));
      const checks = new Map<string, CheckState>(
        d.plan.stages.flatMap((s) => s.checks.map((c) => [c.id, { stageId: s.id, status: 'PENDING', attempt: 0 }] as const)),
      );
      return {
        status: 'REQUESTED',
        runId: d.runId,
        projectId: d.projectId,
        environment: d.environment,
        initiator: d.initiator,
        plan: d.plan,
        trigger: d.trigger,
        stages,
        checks,
      };
    }
    case 'RunQueued':
      return { ...state, status: 'QUEUED' };
    case 'StageStarted':
      return { ...setStage(event.data.stageId, 'RUNNING'), status: 'RUNNING' };
    case 'StageSkipped':
      return { ...setStage(event.data.stageId, 'SKIPPED'), status: 'RUNNING' };
    case 'StagePassed':
      return setStage(event.data.stageId, 'PASSED');
    case 'StageFailed':
      return setStage(event.data.stageId, 'FAILED');
    case 'CheckScheduled':
    case 'CheckRetryScheduled':
      return setCheck(event.data.checkId, {
        status: 'SCHEDULED',
        attempt: event.data.attempt,
        deadline: event.data.deadline,
        workerId: undefined,
      });
    case 'CheckStarted':
      return setCheck(event.data.checkId, { status: 'RUNNING', workerId: event.data.workerId, deadline: event.data.deadline });
    case 'CheckResultRecorded': {
      const { outcome, metrics, findings, evidence, tool } = event.data;
      const report = { outcome, metrics, findings, evidence, ...(tool !== undefined ? { tool } : {}) };
      return setCheck(event.data.checkId, { status: outcome, workerId: event.data.workerId, report });
    }
    case 'CheckErrored':
      return event.data.final ? setCheck(event.data.checkId, { status: 'ERROR' }) : state;
    case 'CheckTimedOut':
      return event.data.final ? setCheck(event.data.checkId, { status: 'TIMED_OUT' }) : state;
    case 'RunAwaitingDecision':
      return { ...state, status: 'AWAITING_DECISION' };
    case 'RunSucceeded':
      return { ...state, status: 'SUCCEEDED' };
    case 'RunFailed':
      return { ...state, status: 'FAILED' };
    case 'RunCancelled':
      return { ...state, status: 'CANCELLED' };
  }
}

function decide(command: RunCommand, state: RunState): RunEvent[] {
  requireTime(command.at, 'at');
  if (!PRINCIPAL_ID.test(command.actor)) {
    throw new ValidationError('INVALID_ACTOR', 'the actor must be a pseudonymous principal id such as usr:7f3a or svc:ci', [
      { path: 'actor', message: 'expected <kind>:<id>' },
    ]);
  }
  if (command.type === 'RequestRun') return requestRun(command, state);
  if (state.status === 'NONE' || !state.plan) {
    throw new NotFound('RUN_NOT_FOUND', 'this run was never requested: request it first (RequestRun)');
  }
  if (TERMINAL_RUN.has(state.status)) {
    throw new IllegalState('RUN_ENDED', `run ${state.runId} has ended (${state.status}): nothing more can be recorded on it`);
  }
  const { at, plan } = { at: command.at, plan: state.plan };
  switch (command.type) {
    case 'QueueRun':
      if (state.status !== 'REQUESTED') throw new IllegalState('RUN_ALREADY_QUEUED', `run ${state.runId} is already ${state.status}`);
      return [{ type: 'RunQueued', data: { runId: state.runId as string, at } }];
    case 'StartStage':
    case 'SkipStage': {
      if (state.status === 'REQUESTED') throw new IllegalState('RUN_NOT_QUEUED', `run ${state.runId} is not queued yet: queue it first`);
      const stage = plan.stages.find((s) => s.id === command.stageId);
      if (!stage) throw new NotFound('UNKNOWN_STAGE', `stage ${command.stageId} is not in this run's plan`);
      if (state.stages.get(stage.id) !== 'PENDING') {
        throw new IllegalState('STAGE_NOT_PENDING', `stage ${stage.id} is already ${state.stages.get(stage.id)}`);
      }
      const r = readiness(stage, state.stages);
      if (r.kind === 'WAITING') {
        throw new IllegalState('STAGE_NOT_READY', `stage ${stage.id} waits for ${r.waitingFor.join(', ')} to end`);
      }
      if (command.type === 'SkipStage') {
        if (r.kind === 'RUN')
          throw new IllegalState('STAGE_MUST_RUN', `stage ${stage.id} has its dependencies and condition met: start it`);
        return withFollowUps(state, [{ type: 'StageSkipped', data: { stageId: stage.id, reason: r.reason, detail: r.detail, at } }], at);
      }
      if (r.kind === 'SKIP') throw new IllegalState('STAGE_CONDITION_UNMET', `stage ${stage.id} cannot run (${r.detail}): skip it`);
      const events: RunEvent[] = [{ type: 'StageStarted', data: { stageId: stage.id, at } }];
      for (const c of stage.checks) {
        events.push({
          type: 'CheckScheduled',
          data: { stageId: stage.id, checkId: c.id, checkType: c.type, attempt: 1, deadline: addSeconds(at, c.timeoutSeconds), at },
        });
      }
      return withFollowUps(state, events, at);
    }
    case 'StartCheck': {
      const { check, def } = liveCheck(state, command.checkId, command.attempt);
      requireWorker(command.workerId);
      if (check.status === 'RUNNING') {
        throw new IllegalState(
          'CHECK_ALREADY_STARTED',
          `check ${command.checkId} attempt ${command.attempt} already runs on ${check.workerId}`,
        );
      }
      return [
        {
          type: 'CheckStarted',
          data: { checkId: def.id, attempt: command.attempt, workerId: command.workerId, deadline: addSeconds(at, def.timeoutSeconds), at },
        },
      ];
    }
    case 'ReportCheckResult': {
      const { check, def } = liveCheck(state, command.checkId, command.attempt);
      requireWorker(command.workerId);
      sameWorker(check, command.checkId, command.workerId);
      const problems = reportProblems(command.report);
      if (problems.length > 0) fail('INVALID_CHECK_REPORT', 'the check report is invalid', problems);
      const r = command.report;
      const report = {
        outcome: r.outcome,
        metrics: r.metrics,
        findings: r.findings,
        evidence: r.evidence,
        ...(r.tool !== undefined ? { tool: r.tool } : {}),
      };
      const data = { checkId: def.id, attempt: command.attempt, workerId: command.workerId, at, ...report };
      return withFollowUps(state, [{ type: 'CheckResultRecorded', data }], at);
    }
    case 'ReportCheckError': {
      const { check, def } = liveCheck(state, command.checkId, command.attempt);
      requireWorker(command.workerId);
      sameWorker(check, command.checkId, command.workerId);
      if (!text(command.error, 1, 2000))
        fail('INVALID_CHECK_ERROR', 'the error report is invalid', [{ path: 'error', message: '1 to 2000 characters' }]);
      const retry = retryOf(def, command.attempt, 'ERROR', at);
      const errored: RunEvent = {
        type: 'CheckErrored',
        data: {
          checkId: def.id,
          attempt: command.attempt,
          workerId: command.workerId,
          error: command.error,
          final: retry === undefined,
          at,
        },
      };
      return withFollowUps(state, retry ? [errored, retry] : [errored], at);
    }
    case 'TimeOutCheck': {
      const { check, def } = liveCheck(state, command.checkId, command.attempt);
      const deadline = check.deadline as string;
      if (requireTime(at, 'at') < requireTime(deadline, 'deadline')) {
        throw new IllegalState('CHECK_NOT_OVERDUE', `check ${def.id} attempt ${command.attempt} is not overdue before ${deadline}`);
      }
      const retry = retryOf(def, command.attempt, 'TIMEOUT', at);
      const timedOut: RunEvent = {
        type: 'CheckTimedOut',
        data: { checkId: def.id, attempt: command.attempt, deadline, final: retry === undefined, at },
      };
      return withFollowUps(state, retry ? [timedOut, retry] : [timedOut], at);
    }
    case 'CancelRun':
      if (!text(command.reason, 1, 500)) {
        fail('INVALID_REASON', 'a cancellation needs a reason', [{ path: 'reason', message: '1 to 500 characters' }]);
      }
      return [{ type: 'RunCancelled', data: { runId: state.runId as string, reason: command.reason, by: command.actor, at } }];
    case 'CompleteRun': {
      if (state.status !== 'AWAITING_DECISION') {
        throw new IllegalState(
          'RUN_NOT_AWAITING_DECISION',
          `run ${state.runId} is ${state.status}: it completes once every stage has ended`,
        );
      }
      if (command.outcome !== 'APPROVED' && command.outcome !== 'REJECTED') {
        fail('INVALID_OUTCOME', 'the run outcome is invalid', [{ path: 'outcome', message: 'APPROVED or REJECTED' }]);
      }
      const data = { runId: state.runId as string, reasons: [...command.reasons], at };
      return [command.outcome === 'APPROVED' ? { type: 'RunSucceeded', data } : { type: 'RunFailed', data }];
    }
  }
}

function requestRun(c: Extract<RunCommand, { type: 'RequestRun' }>, state: RunState): RunEvent[] {
  if (state.status !== 'NONE') throw new IllegalState('RUN_EXISTS', `run ${state.runId} was already requested: use a new run id`);
  const problems = [
    ...(ENTITY_ID.test(c.runId) ? [] : [{ path: 'runId', message: 'letters, digits, . _ : - (1 to 128)' }]),
    ...(ENTITY_ID.test(c.projectId) ? [] : [{ path: 'projectId', message: 'letters, digits, . _ : - (1 to 128)' }]),
    ...(environmentOk(c.environment) ? [] : [{ path: 'environment', message: 'lowercase, e.g. staging or production' }]),
    ...triggerProblems(c.trigger),
    ...inputsProblems(c.inputs),
  ];
  if (problems.length > 0) fail('INVALID_RUN_REQUEST', 'the run request is invalid', problems);
  assertValidPlan(c.plan);
  return [
    {
      type: 'RunRequested',
      data: {
        runId: c.runId,
        projectId: c.projectId,
        environment: c.environment,
        plan: c.plan,
        trigger: c.trigger,
        inputs: c.inputs,
        initiator: c.actor,
        requestedAt: c.at,
      },
    },
  ];
}

/** A check a worker may act on now: known, scheduled or running, at the current attempt. */
function liveCheck(state: RunState, checkId: string, attempt: number): { check: CheckState; def: PlanCheck } {
  const check = state.checks.get(checkId);
  const def = (state.plan as RunPlan).stages.flatMap((s) => s.checks).find((c) => c.id === checkId);
  if (!check || !def) throw new NotFound('UNKNOWN_CHECK', `check ${checkId} is not in this run's plan`);
  if (check.status === 'PENDING')
    throw new IllegalState('CHECK_NOT_SCHEDULED', `check ${checkId} is not scheduled: its stage has not started`);
  if (TERMINAL_CHECK.has(check.status)) {
    throw new IllegalState('CHECK_ALREADY_FINISHED', `check ${checkId} already ended with ${check.status}: a result is recorded once`);
  }
  if (attempt !== check.attempt) {
    throw new IllegalState(
      'STALE_ATTEMPT',
      `check ${checkId} is at attempt ${check.attempt}, not ${attempt}: report on the current attempt`,
    );
  }
  return { check, def };
}

function requireWorker(workerId: string): void {
  if (!PRINCIPAL_ID.test(workerId)) {
    throw new ValidationError('INVALID_WORKER_ID', 'workerId must be a pseudonymous id such as wrk:code-7', [
      { path: 'workerId', message: 'expected <kind>:<id>' },
    ]);
  }
}

function sameWorker(check: CheckState, checkId: string, workerId: string): void {
  if (check.status === 'RUNNING' && check.workerId !== workerId) {
    throw new Forbidden('WORKER_MISMATCH', `check ${checkId} runs on ${check.workerId}: only that worker reports on this attempt`);
  }
}

function retryOf(def: PlanCheck, attempt: number, reason: 'ERROR' | 'TIMEOUT', at: string): RunEvent | undefined {
  if (attempt > def.maxRetries) return undefined;
  return {
    type: 'CheckRetryScheduled',
    data: { checkId: def.id, attempt: attempt + 1, previousAttempt: attempt, reason, deadline: addSeconds(at, def.timeoutSeconds), at },
  };
}

/** After `events`, the stages whose checks all ended, then the run if every stage ended. */
function withFollowUps(state: RunState, events: RunEvent[], at: string): RunEvent[] {
  const out = [...events];
  let s = events.reduce(evolve, state);
  const plan = s.plan as RunPlan;
  for (const stage of plan.stages) {
    if (s.stages.get(stage.id) !== 'RUNNING') continue;
    const statuses = stage.checks.map((c) => (s.checks.get(c.id) as CheckState).status);
    if (!statuses.every((x) => TERMINAL_CHECK.has(x))) continue;
    const failedChecks = stage.checks
      .filter((c) => c.required && !['PASS', 'WARNING'].includes((s.checks.get(c.id) as CheckState).status))
      .map((c) => c.id);
    const e: RunEvent =
      failedChecks.length === 0
        ? { type: 'StagePassed', data: { stageId: stage.id, at } }
        : { type: 'StageFailed', data: { stageId: stage.id, failedChecks, at } };
    out.push(e);
    s = evolve(s, e);
  }
  if (plan.stages.every((st) => TERMINAL_STAGE.has(s.stages.get(st.id) as StageStatus))) {
    const by = (x: StageStatus) => plan.stages.filter((st) => s.stages.get(st.id) === x).map((st) => st.id);
    out.push({
      type: 'RunAwaitingDecision',
      data: { runId: s.runId as string, passedStages: by('PASSED'), failedStages: by('FAILED'), skippedStages: by('SKIPPED'), at },
    });
  }
  return out;
}

/** PipelineRun, stream `run-<id>` (seed 000 §5, §8.2). */
export const pipelineRun: Decider<RunCommand, RunEvent, RunState> = { initialState, evolve, decide };
