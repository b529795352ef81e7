import { createHash } from 'node:crypto';
import type { EventEnvelope } from 'ledger-verify';
import { approvalPolicyOf } from '../domain/blueprint/compile-plan.js';
import type { CommandMetadata, Decider, DomainEvent } from '../domain/decider.js';
import { runDecision } from '../domain/decision/decision.js';
import { decisionStream, type DecisionState } from '../domain/decision/types.js';
import { isLedgerError } from '../domain/errors.js';
import { modelRegistry, modelStream } from '../domain/model/model.js';
import { evaluatePolicy } from '../domain/policy/engine.js';
import type { JsonValue } from '../domain/run/plan.js';
import { nextSteps } from '../domain/run/next-steps.js';
import { pipelineRun } from '../domain/run/run.js';
import { runStream, TERMINAL_RUN, type RunState } from '../domain/run/types.js';
import type { Ledger } from '../ledger/open-ledger.js';
import { RequestPipelineRunCommand } from './commands/request-pipeline-run.command.js';
import { policyInputOf } from './policy-input.js';
import type { ProcessStore } from './process-store.js';

/** The process manager's identity in the ledger. */
export const PROCESS_ACTOR = { id: 'svc:process-manager', kind: 'system' } as const;

export interface ReactionContext {
  readonly ledger: Ledger;
  readonly store: ProcessStore;
  /** The current time, RFC 3339 UTC with milliseconds (the domain reads no clock). */
  now(): string;
  /** Dispatches a command through the application's CommandBus (run requests). */
  execute<T>(command: object): Promise<T>;
  log(line: string): void;
}

/** A command id derived from the triggering event id and what is done about it: a replay reissues the same id. */
export function derivedCommandId(causeId: string, action: string): string {
  return `pm:${createHash('sha256').update(`qledger/process/v1\n${causeId}\n${action}`).digest('hex').slice(0, 40)}`;
}

function metaFor(cause: { id: string; meta?: { correlationId?: string } }, action: string, now: string): CommandMetadata {
  return {
    commandId: derivedCommandId(cause.id, action),
    occurredAt: now,
    actor: PROCESS_ACTOR,
    correlationId: cause.meta?.correlationId ?? cause.id,
    causationId: cause.id,
  };
}

/** Refusals that only mean the step was already taken: nothing to report. */
const RACED = new Set([
  'RUN_ALREADY_QUEUED',
  'STAGE_NOT_PENDING',
  'CHECK_ALREADY_FINISHED',
  'STALE_ATTEMPT',
  'RUN_ENDED',
  'RUN_NOT_AWAITING_DECISION',
  'DECISION_FINAL',
  'DECISION_EXISTS',
]);

/**
 * Issues one command; a business refusal (the step was already taken, the run moved on) is
 * expected when events race and is only logged. Infrastructure failures propagate (retried).
 */
async function issue<C, E extends DomainEvent, S>(
  ctx: ReactionContext,
  stream: string,
  decider: Decider<C, E, S>,
  command: C,
  meta: CommandMetadata,
): Promise<boolean> {
  try {
    const r = await ctx.ledger.writer.execute(stream, decider, command, meta);
    return r.events.length > 0 && !r.idempotent;
  } catch (e) {
    if (isLedgerError(e) && e.kind !== 'Unavailable' && e.kind !== 'ConcurrencyError') {
      if (RACED.has(e.code)) return false; // another event, a worker or a person took this step first
      ctx.log(`process: ${stream}: ${(command as { type?: string }).type} not applied: ${e.message} [${e.code}]`);
      return false;
    }
    throw e;
  }
}

async function loadRun(ctx: ReactionContext, runId: string): Promise<{ state: RunState; events: EventEnvelope[] }> {
  const events = (await ctx.ledger.store.readStream(runStream(runId))).map((r) => JSON.parse(r.data) as EventEnvelope);
  const state = events.reduce((s, e) => pipelineRun.evolve(s, { type: e.type, data: e.data } as never), pipelineRun.initialState);
  return { state, events };
}

async function loadDecision(ctx: ReactionContext, runId: string): Promise<DecisionState> {
  const events = await ctx.ledger.store.readStream(decisionStream(runId));
  return events
    .map((r) => JSON.parse(r.data) as EventEnvelope)
    .reduce((s, e) => runDecision.evolve(s, { type: e.type, data: e.data } as never), runDecision.initialState);
}

/** Reacts to one event of the global log. */
export async function react(ctx: ReactionContext, e: EventEnvelope): Promise<void> {
  const [category] = e.stream.split('-', 1);
  if (category === 'run') return onRunEvent(ctx, e);
  if (category === 'decision') return onDecisionEvent(ctx, e);
  if (category === 'model' && e.type === 'ModelVersionRegistered') return onModelRegistered(ctx, e);
  if (category === 'mkey' && e.type === 'ManagedKeyRotated') return onManagedKeyRotated(ctx, e);
}

const runIdOf = (stream: string, prefix: string): string => stream.slice(prefix.length + 1);

async function onRunEvent(ctx: ReactionContext, e: EventEnvelope): Promise<void> {
  const runId = runIdOf(e.stream, 'run');
  const now = ctx.now();
  const { state, events } = await loadRun(ctx, runId);
  if (e.type === 'RunRequested') {
    await ctx.store.runActive(runId, true);
    await issue(
      ctx,
      decisionStream(runId),
      runDecision,
      {
        type: 'OpenDecision',
        at: now,
        actor: PROCESS_ACTOR.id,
        runId,
        projectId: state.projectId as string,
        environment: state.environment as string,
        initiator: state.initiator as string,
        approval: state.plan!.approval,
        blueprintDigest: state.plan!.blueprint.digest,
      },
      metaFor(e, 'open-decision', now),
    );
    const trigger = state.trigger;
    if (trigger?.kind === 'model_registered') await ctx.store.addRunModel(runId, trigger.model, trigger.digest);
  }
  if (TERMINAL_RUN.has(state.status)) {
    await ctx.store.runActive(runId, false);
    if (state.status === 'SUCCEEDED' && e.type === 'RunSucceeded') await approveModelsOf(ctx, runId, state, e);
    return;
  }
  if (e.type === 'RunAwaitingDecision' || state.status === 'AWAITING_DECISION') {
    if (e.type === 'RunAwaitingDecision') await evaluate(ctx, runId, state, events, e, 'evaluate');
    return;
  }
  const steps = nextSteps(state, now);
  const stamp = { at: now, actor: PROCESS_ACTOR.id };
  if (steps.queue) await issue(ctx, runStream(runId), pipelineRun, { ...stamp, type: 'QueueRun' }, metaFor(e, 'queue', now));
  for (const stageId of steps.stagesToStart) {
    await issue(ctx, runStream(runId), pipelineRun, { ...stamp, type: 'StartStage', stageId }, metaFor(e, `start:${stageId}`, now));
  }
  for (const s of steps.stagesToSkip) {
    await issue(
      ctx,
      runStream(runId),
      pipelineRun,
      { ...stamp, type: 'SkipStage', stageId: s.stageId },
      metaFor(e, `skip:${s.stageId}`, now),
    );
  }
}

/** Evaluates the plan's approval policy on the run's results and records the verdict; a rejection closes the decision. */
async function evaluate(
  ctx: ReactionContext,
  runId: string,
  run: RunState,
  runEvents: readonly EventEnvelope[],
  cause: EventEnvelope,
  action: string,
): Promise<void> {
  const decision = await loadDecision(ctx, runId);
  if (decision.status !== 'PENDING' || !run.plan) return;
  const now = ctx.now();
  const evaluation = evaluatePolicy(approvalPolicyOf(run.plan), policyInputOf(run, runEvents, decision, now));
  const explanation = JSON.parse(
    JSON.stringify({
      summary: evaluation.summary,
      conditions: evaluation.conditions,
      humanApprovalRequired: evaluation.humanApprovalRequired,
    }),
  ) as JsonValue;
  const stamp = { at: now, actor: PROCESS_ACTOR.id };
  await issue(
    ctx,
    decisionStream(runId),
    runDecision,
    {
      ...stamp,
      type: 'RecordPolicyEvaluation',
      verdict: evaluation.verdict,
      explanation,
      blueprintDigest: evaluation.blueprintDigest,
      policyDigest: evaluation.policyDigest,
      engineVersion: evaluation.engineVersion,
      inputsDigest: evaluation.inputsDigest,
      evaluatedAt: evaluation.evaluatedAt,
      waiverIds: policyInputOf(run, runEvents, decision, now).waivers.map((w) => w.id),
    },
    metaFor(cause, action, now),
  );
  if (evaluation.verdict === 'REJECTED') {
    await issue(ctx, decisionStream(runId), runDecision, { ...stamp, type: 'CloseDecision' }, metaFor(cause, `${action}:close`, now));
  }
}

async function onDecisionEvent(ctx: ReactionContext, e: EventEnvelope): Promise<void> {
  const runId = runIdOf(e.stream, 'decision');
  const now = ctx.now();
  if (e.type === 'DecisionApproved' || e.type === 'DecisionRejected') {
    const reasons = (e.data as { reasons: string[] }).reasons;
    const outcome = e.type === 'DecisionApproved' ? 'APPROVED' : 'REJECTED';
    await issue(
      ctx,
      runStream(runId),
      pipelineRun,
      { at: now, actor: PROCESS_ACTOR.id, type: 'CompleteRun', outcome, reasons },
      metaFor(e, 'complete', now),
    );
    return;
  }
  if (e.type === 'WaiverGranted' || e.type === 'WaiverRevoked' || e.type === 'WaiverExpired') {
    // A waiver changes what the policy says about a run that already awaits its decision: evaluate again.
    const { state, events } = await loadRun(ctx, runId);
    if (state.status === 'AWAITING_DECISION') await evaluate(ctx, runId, state, events, e, 're-evaluate');
  }
}

async function approveModelsOf(ctx: ReactionContext, runId: string, run: RunState, cause: EventEnvelope): Promise<void> {
  for (const m of await ctx.store.runModels(runId)) await approveModel(ctx, runId, run, m.model, m.digest, cause);
}

async function approveModel(ctx: ReactionContext, runId: string, run: RunState, model: string, digest: string, cause: EventEnvelope) {
  const now = ctx.now();
  await issue(
    ctx,
    modelStream(model),
    modelRegistry,
    { type: 'ApproveModelForStage', digest, stage: run.environment as string, decisionId: decisionStream(runId), runId },
    metaFor(cause, `approve-model:${model}:${digest}`, now),
  );
}

async function onModelRegistered(ctx: ReactionContext, e: EventEnvelope): Promise<void> {
  const d = e.data as { model: string; digest: string; runId: string | null };
  if (d.runId === null) return;
  await ctx.store.addRunModel(d.runId, d.model, d.digest);
  const { state } = await loadRun(ctx, d.runId);
  // Registered after its run already succeeded: approve it now.
  if (state.status === 'SUCCEEDED') await approveModel(ctx, d.runId, state, d.model, d.digest, e);
}

async function onManagedKeyRotated(ctx: ReactionContext, e: EventEnvelope): Promise<void> {
  const d = e.data as { projectId: string; keyId: string; version: number };
  const now = ctx.now();
  const meta = metaFor(e, 'crypto-pipeline', now);
  const runId = `prun-${createHash('sha256').update(`qledger/process/run/v1\n${e.id}`).digest('hex').slice(0, 20)}`;
  try {
    await ctx.execute(
      new RequestPipelineRunCommand(
        runId,
        d.projectId,
        undefined,
        { kind: 'key_rotation', keyId: d.keyId, keyVersion: d.version },
        { datasets: [], models: [], parameters: {} },
        meta,
        'crypto',
      ),
    );
  } catch (err) {
    if (isLedgerError(err) && err.kind !== 'Unavailable' && err.kind !== 'ConcurrencyError') {
      ctx.log(`process: key ${d.keyId} v${d.version} rotated, no crypto pipeline run for ${d.projectId}: ${err.message} [${err.code}]`);
      return;
    }
    throw err;
  }
}

/** Times out the checks of active runs that are past their deadline at `now` (the timer sweep). */
export async function sweep(ctx: ReactionContext): Promise<number> {
  let timedOut = 0;
  for (const runId of await ctx.store.activeRuns()) {
    const now = ctx.now();
    const { state } = await loadRun(ctx, runId);
    if (state.status === 'NONE' || TERMINAL_RUN.has(state.status)) {
      await ctx.store.runActive(runId, false);
      continue;
    }
    for (const c of nextSteps(state, now).overdueChecks) {
      const meta = metaFor({ id: `${runStream(runId)}/${c.checkId}/${c.attempt}` }, 'timeout', now);
      const done = await issue(
        ctx,
        runStream(runId),
        pipelineRun,
        { at: now, actor: PROCESS_ACTOR.id, type: 'TimeOutCheck', checkId: c.checkId, attempt: c.attempt },
        meta,
      );
      if (done) timedOut++;
    }
  }
  return timedOut;
}
