import type { PlanStage } from './plan.js';
import { epochMs, requireTime } from './time.js';
import { TERMINAL_RUN, TERMINAL_STAGE, type RunState, type SkipReason, type StageStatus } from './types.js';

export type Readiness =
  | { readonly kind: 'WAITING'; readonly waitingFor: readonly string[] }
  | { readonly kind: 'RUN' }
  | { readonly kind: 'SKIP'; readonly reason: SkipReason; readonly detail: string };

/**
 * Whether a pending stage can start: every dependency has ended; the condition (if any) holds;
 * every other dependency PASSED. A stage whose dependencies ended otherwise is to be skipped.
 */
export function readiness(stage: PlanStage, stages: ReadonlyMap<string, StageStatus>): Readiness {
  const waitingFor = stage.dependsOn.filter((d) => !TERMINAL_STAGE.has(stages.get(d) ?? 'PENDING'));
  if (waitingFor.length > 0) return { kind: 'WAITING', waitingFor };
  const c = stage.condition;
  if (c && stages.get(c.stage) !== c.status) {
    return { kind: 'SKIP', reason: 'CONDITION_UNMET', detail: `runs only when ${c.stage} is ${c.status}; it is ${stages.get(c.stage)}` };
  }
  const notPassed = stage.dependsOn.filter((d) => d !== c?.stage && stages.get(d) !== 'PASSED');
  if (notPassed.length > 0) {
    return {
      kind: 'SKIP',
      reason: 'DEPENDENCY_NOT_PASSED',
      detail: `needs ${notPassed.map((d) => `${d} PASSED (it is ${stages.get(d)})`).join(', ')}`,
    };
  }
  return { kind: 'RUN' };
}

export interface NextSteps {
  /** The run is requested and waits to be queued. */
  readonly queue: boolean;
  /** Stages whose dependencies and condition allow them to start now (their checks are scheduled with them). */
  readonly stagesToStart: readonly string[];
  readonly stagesToSkip: readonly { readonly stageId: string; readonly reason: SkipReason; readonly detail: string }[];
  /** Checks past their deadline at `now`: time them out (the run retries them if their plan allows). */
  readonly overdueChecks: readonly { readonly checkId: string; readonly attempt: number; readonly deadline: string }[];
  /** Every stage has ended: the decision (policy + approvals) is due. */
  readonly awaitingDecision: boolean;
}

const NOTHING: NextSteps = { queue: false, stagesToStart: [], stagesToSkip: [], overdueChecks: [], awaitingDecision: false };

/**
 * What the process manager should do next for a run, at `now` (RFC 3339, passed in: the domain
 * reads no clock). Pure; acting on it twice is refused by decide(), so a replay is harmless.
 */
export function nextSteps(state: RunState, now: string): NextSteps {
  requireTime(now, 'now');
  if (!state.plan || state.status === 'NONE' || TERMINAL_RUN.has(state.status)) return NOTHING;
  if (state.status === 'REQUESTED') return { ...NOTHING, queue: true };
  if (state.status === 'AWAITING_DECISION') return { ...NOTHING, awaitingDecision: true };
  const stagesToStart: string[] = [];
  const stagesToSkip: { stageId: string; reason: SkipReason; detail: string }[] = [];
  for (const stage of state.plan.stages) {
    if (state.stages.get(stage.id) !== 'PENDING') continue;
    const r = readiness(stage, state.stages);
    if (r.kind === 'RUN') stagesToStart.push(stage.id);
    else if (r.kind === 'SKIP') stagesToSkip.push({ stageId: stage.id, reason: r.reason, detail: r.detail });
  }
  const nowMs = requireTime(now, 'now');
  const overdueChecks: { checkId: string; attempt: number; deadline: string }[] = [];
  {
    for (const [checkId, c] of state.checks) {
      if ((c.status === 'SCHEDULED' || c.status === 'RUNNING') && c.deadline !== undefined && nowMs >= (epochMs(c.deadline) ?? Infinity)) {
        overdueChecks.push({ checkId, attempt: c.attempt, deadline: c.deadline });
      }
    }
  }
  return { queue: false, stagesToStart, stagesToSkip, overdueChecks, awaitingDecision: false };
}
