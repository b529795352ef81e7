/**
 * The quality blueprint as written in blueprints/*.yaml (snake_case, as in seed 000 §7.1).
 * The JSON Schema (blueprints/schema/blueprint.schema.json) checks the shape; validate.ts
 * checks what a schema cannot (the stage DAG, check references, approval rules that compile).
 */

export const CHECK_TYPES = [
  'CODE_LINT',
  'CODE_FORMAT',
  'UNIT_TESTS',
  'INTEGRATION_TESTS',
  'FUNCTIONAL_TESTS',
  'CODE_COMPLEXITY',
  'SAST',
  'DAST',
  'DEPENDENCY_SCAN',
  'SBOM',
  'CRYPTO_ANALYSIS',
  'CRYPTO_POLICY',
  'KEY_MANAGEMENT',
  'SECRET_SCAN',
  'TLS_POLICY',
  'DATA_SCHEMA',
  'DATA_PROFILING',
  'DATA_DRIFT',
  'DATA_CONTRACT',
  'PII_SCAN',
  'MODEL_METRICS',
  'MODEL_FAIRNESS',
  'MODEL_ROBUSTNESS',
  'MODEL_STABILITY',
  'MODEL_EXPLAINABILITY',
  'MODEL_SIGNATURE',
  'LOAD_TEST',
  'OUTPUT_VALIDATION',
] as const;
export type CheckType = (typeof CHECK_TYPES)[number];

/** Finding severities, lowest first. Blueprints may write them in either case. */
export const SEVERITIES = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const PROJECT_TYPES = ['ds', 'ml-service', 'crypto-lib', 'api', 'data-pipeline', 'batch-inference'] as const;

export const TRIGGERS = [
  'commit',
  'pull_request',
  'merge',
  'dataset_version',
  'model_registered',
  'key_rotation',
  'schedule',
  'manual',
] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** What a failing approval condition yields. */
export const ON_FAIL = ['REJECT', 'NEEDS_APPROVAL'] as const;
export type OnFail = (typeof ON_FAIL)[number];

export interface CheckDefinition {
  readonly id: string;
  readonly type: CheckType;
  readonly description?: string;
  readonly tool?: string;
  /** Default true: a required check must pass (or be waived) for all_required_checks_pass(). */
  readonly required?: boolean;
  readonly timeout_seconds?: number;
  readonly retries?: number;
  // thresholds (seed 000 §7.1)
  readonly min_coverage?: number;
  readonly severity_threshold?: string;
  readonly min_metrics?: Readonly<Record<string, number>>;
  readonly max_metrics?: Readonly<Record<string, number>>;
  readonly max_disparity?: number;
  readonly max_latency_ms_p95?: number;
  readonly max_drift?: number;
  /** Tool parameters, passed to the worker as they are. */
  readonly params?: Readonly<Record<string, unknown>>;
}

export const STAGE_OUTCOMES = ['PASSED', 'FAILED', 'SKIPPED'] as const;
export type StageOutcome = (typeof STAGE_OUTCOMES)[number];

export interface StageDefinition {
  readonly name: string;
  readonly description?: string;
  /**
   * Stage names. Omitted: the previous stage in the list (the first stage: none). `[]`: a root
   * stage. A stage runs once every stage it depends on has PASSED (seed 000 RF04: load tests only
   * if the functional tests passed), unless `run_if` names another outcome for one of them.
   */
  readonly depends_on?: readonly string[];
  /** Run only when that stage (one this one depends on, directly or not) ended so, e.g. a rollback stage on FAILED. */
  readonly run_if?: { readonly stage: string; readonly status: StageOutcome };
  readonly checks: readonly CheckDefinition[];
}

export interface ApprovalCondition {
  readonly name: string;
  /** A CEL expression of type bool (see the policy functions in src/domain/policy/functions.ts). */
  readonly rule: string;
  readonly message: string;
  readonly recommendation: string;
  /** Default REJECT. */
  readonly on_fail?: OnFail;
  /** Evaluated only in these environments (default: all). */
  readonly environments?: readonly string[];
}

export interface ApprovalPolicy {
  readonly conditions: readonly ApprovalCondition[];
  /** Who may approve a NEEDS_APPROVAL verdict, and how many must, per environment. */
  readonly human_approval?: HumanApproval;
}

export interface HumanApproval {
  /** Roles that may approve, veto and waive; when humans must approve, each role must be among the approvers. */
  readonly roles: readonly string[];
  /** Distinct approvers needed per environment, e.g. `{ prod: 2 }`; above 0, even a passing run is NEEDS_APPROVAL there. */
  readonly quorum?: Readonly<Record<string, number>>;
  /** For environments not in `quorum` (default 0: the policy verdict alone decides). */
  readonly default_quorum?: number;
}

/** Approvers a run in `environment` needs (0: none). */
export function quorumFor(h: HumanApproval | undefined, environment: string): number {
  if (!h) return 0;
  return h.quorum !== undefined && Object.hasOwn(h.quorum, environment) ? (h.quorum[environment] as number) : (h.default_quorum ?? 0);
}

export interface BlueprintDefinition {
  readonly id: string;
  readonly version: number;
  readonly name?: string;
  readonly description?: string;
  readonly project_types: readonly string[];
  readonly triggers?: readonly Trigger[];
  readonly stages: readonly StageDefinition[];
  readonly policies: { readonly approval: ApprovalPolicy };
}

export const BLUEPRINT_ID = /^[a-z][a-z0-9-]{1,63}$/;

/** The stage names each stage depends on, with the "previous stage" default applied. */
export function stageDependencies(stages: readonly StageDefinition[]): ReadonlyMap<string, readonly string[]> {
  const deps = new Map<string, readonly string[]>();
  stages.forEach((s, i) => {
    const prev = stages[i - 1];
    deps.set(s.name, s.depends_on ?? (prev ? [prev.name] : []));
  });
  return deps;
}

export function severityRank(s: string): number {
  return SEVERITIES.indexOf(s.toUpperCase() as Severity);
}
