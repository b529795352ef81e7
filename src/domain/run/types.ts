import type { JsonObject, RunPlan, StageOutcome } from './plan.js';

/** Stream of one pipeline run. */
export const runStream = (runId: string): string => `run-${runId}`;

/** What started a run (seed 000 RF03), recorded on the run. */
export type RunTrigger =
  | { readonly kind: 'manual'; readonly reason: string }
  | { readonly kind: 'commit'; readonly repository: string; readonly ref: string; readonly commit: string }
  | {
      readonly kind: 'pull_request';
      readonly repository: string;
      readonly number: number;
      readonly headCommit: string;
      readonly baseRef: string;
    }
  | { readonly kind: 'dataset_version'; readonly dataset: string; readonly version: string }
  | { readonly kind: 'model_registered'; readonly model: string; readonly version: string; readonly digest: string }
  | { readonly kind: 'key_rotation'; readonly keyId: string; readonly keyVersion: number }
  | { readonly kind: 'schedule'; readonly scheduleId: string; readonly cron: string; readonly fireTime: string };

export type TriggerKind = RunTrigger['kind'];

/** Pinned inputs: a run names exact versions and digests, never "latest". */
export interface RunInputs {
  /** Git commit (40 or 64 lowercase hex). */
  readonly commit?: string;
  readonly datasets: readonly { readonly id: string; readonly version: string }[];
  readonly models: readonly { readonly name: string; readonly version?: string; readonly digest: string }[];
  readonly parameters: JsonObject;
}

export type CheckOutcome = 'PASS' | 'FAIL' | 'WARNING';
export type FindingSeverity = 'INFO' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export interface Finding {
  /** Stable within the run (e.g. a scanner fingerprint): waivers name it. */
  readonly id: string;
  readonly severity: FindingSeverity;
  readonly category?: string;
  readonly rule?: string;
  readonly message?: string;
}

export interface CheckReport {
  readonly outcome: CheckOutcome;
  readonly metrics: { readonly [name: string]: number };
  readonly findings: readonly Finding[];
  /** `sha256:<hex>` digests of the evidence artifacts (reports, SBOMs...). */
  readonly evidence: readonly string[];
  /** Tool that ran the check, e.g. `semgrep@1.90.0`. */
  readonly tool?: string;
}

// ---- commands: `at` and `actor` come from CommandMetadata (the handler copies them) ----

interface Stamp {
  readonly at: string;
  readonly actor: string;
}

export type RunCommand =
  | (Stamp & {
      readonly type: 'RequestRun';
      readonly runId: string;
      readonly projectId: string;
      readonly environment: string;
      readonly plan: RunPlan;
      readonly trigger: RunTrigger;
      readonly inputs: RunInputs;
    })
  | (Stamp & { readonly type: 'QueueRun' })
  | (Stamp & { readonly type: 'StartStage'; readonly stageId: string })
  | (Stamp & { readonly type: 'SkipStage'; readonly stageId: string })
  | (Stamp & { readonly type: 'StartCheck'; readonly checkId: string; readonly attempt: number; readonly workerId: string })
  | (Stamp & {
      readonly type: 'ReportCheckResult';
      readonly checkId: string;
      readonly attempt: number;
      readonly workerId: string;
      readonly report: CheckReport;
    })
  | (Stamp & {
      readonly type: 'ReportCheckError';
      readonly checkId: string;
      readonly attempt: number;
      readonly workerId: string;
      readonly error: string;
    })
  | (Stamp & { readonly type: 'TimeOutCheck'; readonly checkId: string; readonly attempt: number })
  | (Stamp & { readonly type: 'CancelRun'; readonly reason: string })
  | (Stamp & { readonly type: 'CompleteRun'; readonly outcome: 'APPROVED' | 'REJECTED'; readonly reasons: readonly string[] });

// ---- events ----

export type SkipReason = 'CONDITION_UNMET' | 'DEPENDENCY_NOT_PASSED';

export type RunEvent =
  | {
      readonly type: 'RunRequested';
      readonly data: {
        readonly runId: string;
        readonly projectId: string;
        readonly environment: string;
        readonly plan: RunPlan;
        readonly trigger: RunTrigger;
        readonly inputs: RunInputs;
        readonly initiator: string;
        readonly requestedAt: string;
      };
    }
  | { readonly type: 'RunQueued'; readonly data: { readonly runId: string; readonly at: string } }
  | { readonly type: 'StageStarted'; readonly data: { readonly stageId: string; readonly at: string } }
  | {
      readonly type: 'StageSkipped';
      readonly data: { readonly stageId: string; readonly reason: SkipReason; readonly detail: string; readonly at: string };
    }
  | { readonly type: 'StagePassed'; readonly data: { readonly stageId: string; readonly at: string } }
  | {
      readonly type: 'StageFailed';
      readonly data: { readonly stageId: string; readonly failedChecks: readonly string[]; readonly at: string };
    }
  | {
      readonly type: 'CheckScheduled';
      readonly data: {
        readonly stageId: string;
        readonly checkId: string;
        readonly checkType: string;
        readonly attempt: number;
        readonly deadline: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'CheckStarted';
      readonly data: {
        readonly checkId: string;
        readonly attempt: number;
        readonly workerId: string;
        readonly deadline: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'CheckResultRecorded';
      readonly data: { readonly checkId: string; readonly attempt: number; readonly workerId: string; readonly at: string } & CheckReport;
    }
  | {
      readonly type: 'CheckErrored';
      readonly data: {
        readonly checkId: string;
        readonly attempt: number;
        readonly workerId: string;
        readonly error: string;
        readonly final: boolean;
        readonly at: string;
      };
    }
  | {
      readonly type: 'CheckTimedOut';
      readonly data: {
        readonly checkId: string;
        readonly attempt: number;
        readonly deadline: string;
        readonly final: boolean;
        readonly at: string;
      };
    }
  | {
      readonly type: 'CheckRetryScheduled';
      readonly data: {
        readonly checkId: string;
        readonly attempt: number;
        readonly previousAttempt: number;
        readonly reason: 'ERROR' | 'TIMEOUT';
        readonly deadline: string;
        readonly at: string;
      };
    }
  | {
      readonly type: 'RunAwaitingDecision';
      readonly data: {
        readonly runId: string;
        readonly passedStages: readonly string[];
        readonly failedStages: readonly string[];
        readonly skippedStages: readonly string[];
        readonly at: string;
      };
    }
  | { readonly type: 'RunSucceeded'; readonly data: { readonly runId: string; readonly reasons: readonly string[]; readonly at: string } }
  | { readonly type: 'RunFailed'; readonly data: { readonly runId: string; readonly reasons: readonly string[]; readonly at: string } }
  | {
      readonly type: 'RunCancelled';
      readonly data: { readonly runId: string; readonly reason: string; readonly by: string; readonly at: string };
    };

// ---- state ----

export type RunStatus = 'NONE' | 'REQUESTED' | 'QUEUED' | 'RUNNING' | 'AWAITING_DECISION' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
export type StageStatus = 'PENDING' | 'RUNNING' | StageOutcome;
export type CheckStatus = 'PENDING' | 'SCHEDULED' | 'RUNNING' | 'PASS' | 'FAIL' | 'WARNING' | 'ERROR' | 'TIMED_OUT';

export interface CheckState {
  readonly stageId: string;
  readonly status: CheckStatus;
  /** Current attempt, 1-based (0 before the first scheduling). */
  readonly attempt: number;
  readonly workerId?: string;
  readonly deadline?: string;
  /** The recorded result, once there is one. */
  readonly report?: CheckReport;
}

export interface RunState {
  readonly status: RunStatus;
  readonly runId?: string;
  readonly projectId?: string;
  readonly environment?: string;
  readonly initiator?: string;
  readonly plan?: RunPlan;
  readonly trigger?: RunTrigger;
  readonly stages: ReadonlyMap<string, StageStatus>;
  readonly checks: ReadonlyMap<string, CheckState>;
}

export const TERMINAL_RUN: ReadonlySet<RunStatus> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
export const TERMINAL_CHECK: ReadonlySet<CheckStatus> = new Set(['PASS', 'FAIL', 'WARNING', 'ERROR', 'TIMED_OUT']);
export const TERMINAL_STAGE: ReadonlySet<StageStatus> = new Set(['PASSED', 'FAILED', 'SKIPPED']);
