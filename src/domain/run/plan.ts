import { ValidationError, type FieldProblem } from '../errors.js';

/**
 * A RunPlan is what a blueprint compiles to (domain-a: `compilePlan(blueprint) → RunPlan`), and
 * what a run records, whole, in its RunRequested event: the run is auditable on its own, without
 * the blueprint it came from. Plain JSON only (it is canonicalized and hashed with the event).
 */

/** A JSON value, as it travels in events. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

/** `sha256:` followed by 64 lowercase hex characters. */
export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;
/** Ids of stages and checks: lowercase letters, digits, `_` and `-`, starting with a letter. */
export const PLAN_ID_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;
/** Check types: UPPER_SNAKE, e.g. UNIT_TESTS. Unknown types are allowed (extensible workers). */
export const CHECK_TYPE_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;

export const MAX_STAGES = 100;
export const MAX_CHECKS_PER_STAGE = 100;

/** The check types named in seed 000 (§6, §7) and 003; a plan may use others. */
export const KNOWN_CHECK_TYPES = [
  'CODE_LINT',
  'FORMAT',
  'UNIT_TESTS',
  'INTEGRATION_TESTS',
  'COVERAGE',
  'COMPLEXITY',
  'SAST',
  'DAST',
  'SECRET_SCAN',
  'CRYPTO_ANALYSIS',
  'CRYPTO_POLICY',
  'TLS_POLICY',
  'SBOM',
  'DATA_SCHEMA',
  'DATA_PROFILING',
  'DATA_PII',
  'DATA_DRIFT',
  'MODEL_METRICS',
  'MODEL_FAIRNESS',
  'MODEL_ROBUSTNESS',
  'MODEL_STABILITY',
  'MODEL_EXPLAINABILITY',
  'LOAD_TEST',
  'INFERENCE_OUTPUT',
] as const;

export type StageOutcome = 'PASSED' | 'FAILED' | 'SKIPPED';

/** Run a stage only when an earlier stage (one it depends on, directly or not) ended so. */
export interface StageCondition {
  readonly stage: string;
  readonly status: StageOutcome;
}

export interface PlanCheck {
  readonly id: string;
  readonly type: string;
  /** A required check that does not pass fails its stage; an optional one only reports. */
  readonly required: boolean;
  /** Seconds from start (or from scheduling if never started) before the check is overdue. */
  readonly timeoutSeconds: number;
  /** Retries after the first attempt, for errors and timeouts (not for FAIL). 0 = none. */
  readonly maxRetries: number;
  /** Check-specific thresholds, e.g. `{ "min_coverage": 0.8 }`, as the blueprint wrote them. */
  readonly thresholds: JsonObject;
}

export interface PlanStage {
  readonly id: string;
  readonly name: string;
  readonly dependsOn: readonly string[];
  readonly condition?: StageCondition;
  readonly checks: readonly PlanCheck[];
}

export interface BlueprintRef {
  readonly id: string;
  readonly version: number;
  /** Digest of the blueprint's canonical form. */
  readonly digest: string;
}

/** A policy as the engine (domain-a, CEL) will evaluate it; recorded so the verdict can be replayed. */
export interface PlanPolicy {
  readonly id: string;
  readonly language: string; // e.g. 'cel'
  readonly expression: string;
  readonly digest: string;
}

export interface ApprovalRequirements {
  /**
   * Roles that may approve, veto and waive (any other role is refused); when humans must approve,
   * each of these roles must be among the approvers (RACI: e.g. responsible and accountable).
   */
  readonly requiredRoles: readonly string[];
  /** Distinct approvers needed, by target environment, e.g. `{ production: 2 }`. */
  readonly quorumByEnvironment: { readonly [environment: string]: number };
  /** Distinct approvers needed for an environment not listed (0 = policy verdict alone decides). */
  readonly defaultQuorum: number;
}

export interface RunPlan {
  readonly schemaVersion: 1;
  readonly blueprint: BlueprintRef;
  readonly stages: readonly PlanStage[];
  readonly policies: readonly PlanPolicy[];
  readonly approval: ApprovalRequirements;
}

/** Approvers needed for a run targeting `environment`. */
export function quorumFor(approval: ApprovalRequirements, environment: string): number {
  return Object.hasOwn(approval.quorumByEnvironment, environment)
    ? (approval.quorumByEnvironment[environment] as number)
    : approval.defaultQuorum;
}

/** Problems with a plan's shape and DAG (empty: the plan is valid). Pure. */
export function planProblems(plan: RunPlan): FieldProblem[] {
  const p: FieldProblem[] = [];
  if (plan.schemaVersion !== 1) p.push({ path: 'schemaVersion', message: 'expected 1' });
  if (!plan.blueprint || typeof plan.blueprint.id !== 'string' || plan.blueprint.id === '') {
    p.push({ path: 'blueprint.id', message: 'required' });
  }
  if (!Number.isInteger(plan.blueprint?.version) || plan.blueprint.version < 1) {
    p.push({ path: 'blueprint.version', message: 'a positive integer' });
  }
  if (!DIGEST_PATTERN.test(plan.blueprint?.digest ?? '')) p.push({ path: 'blueprint.digest', message: 'expected sha256:<64 hex>' });
  if (!isArray(plan.stages) || plan.stages.length === 0) {
    p.push({ path: 'stages', message: 'at least one stage' });
    return p;
  }
  if (plan.stages.length > MAX_STAGES) p.push({ path: 'stages', message: `at most ${MAX_STAGES} stages` });
  const stageIds = new Set<string>();
  const checkIds = new Set<string>();
  plan.stages.forEach((s, i) => {
    const at = `stages[${i}]`;
    if (!PLAN_ID_PATTERN.test(s.id)) p.push({ path: `${at}.id`, message: 'lowercase id [a-z][a-z0-9_-]*' });
    if (stageIds.has(s.id)) p.push({ path: `${at}.id`, message: `duplicate stage id ${s.id}` });
    stageIds.add(s.id);
    if (typeof s.name !== 'string' || s.name.trim() === '') p.push({ path: `${at}.name`, message: 'required' });
    if (!isArray(s.checks)) {
      p.push({ path: `${at}.checks`, message: 'an array' });
      return;
    }
    if (s.checks.length > MAX_CHECKS_PER_STAGE)
      p.push({ path: `${at}.checks`, message: `at most ${MAX_CHECKS_PER_STAGE} checks per stage` });
    s.checks.forEach((c, j) => {
      const cat = `${at}.checks[${j}]`;
      if (!PLAN_ID_PATTERN.test(c.id)) p.push({ path: `${cat}.id`, message: 'lowercase id [a-z][a-z0-9_-]*' });
      if (checkIds.has(c.id)) p.push({ path: `${cat}.id`, message: `duplicate check id ${c.id} (check ids are unique in a plan)` });
      checkIds.add(c.id);
      if (!CHECK_TYPE_PATTERN.test(c.type)) p.push({ path: `${cat}.type`, message: 'UPPER_SNAKE type, e.g. UNIT_TESTS' });
      if (typeof c.required !== 'boolean') p.push({ path: `${cat}.required`, message: 'a boolean' });
      if (!Number.isInteger(c.timeoutSeconds) || c.timeoutSeconds < 1 || c.timeoutSeconds > 7 * 24 * 3600) {
        p.push({ path: `${cat}.timeoutSeconds`, message: 'an integer from 1 to 604800' });
      }
      if (!Number.isInteger(c.maxRetries) || c.maxRetries < 0 || c.maxRetries > 10) {
        p.push({ path: `${cat}.maxRetries`, message: 'an integer from 0 to 10' });
      }
      if (c.thresholds === null || typeof c.thresholds !== 'object' || isArray(c.thresholds)) {
        p.push({ path: `${cat}.thresholds`, message: 'a JSON object' });
      }
    });
  });
  plan.stages.forEach((s, i) => {
    for (const d of s.dependsOn ?? []) {
      if (!stageIds.has(d)) p.push({ path: `stages[${i}].dependsOn`, message: `unknown stage ${d}` });
      if (d === s.id) p.push({ path: `stages[${i}].dependsOn`, message: 'a stage cannot depend on itself' });
    }
  });
  if (p.length > 0) return p;
  const order = topologicalOrder(plan.stages);
  if (!order) {
    p.push({ path: 'stages', message: 'dependsOn has a cycle' });
    return p;
  }
  plan.stages.forEach((s, i) => {
    if (!s.condition) return;
    const okStatus = s.condition.status === 'PASSED' || s.condition.status === 'FAILED' || s.condition.status === 'SKIPPED';
    if (!okStatus) p.push({ path: `stages[${i}].condition.status`, message: 'PASSED, FAILED or SKIPPED' });
    if (!ancestors(plan.stages, s.id).has(s.condition.stage)) {
      p.push({ path: `stages[${i}].condition.stage`, message: `${s.condition.stage} must be a stage this one depends on` });
    }
  });
  p.push(...approvalProblems(plan.approval));
  if (!isArray(plan.policies)) p.push({ path: 'policies', message: 'an array' });
  else
    plan.policies.forEach((pol, i) => {
      if (!DIGEST_PATTERN.test(pol.digest)) p.push({ path: `policies[${i}].digest`, message: 'expected sha256:<64 hex>' });
    });
  return p;
}

/** Problems with approval requirements (empty: valid). */
export function approvalProblems(a: ApprovalRequirements): FieldProblem[] {
  const p: FieldProblem[] = [];
  if (!a || !isArray(a.requiredRoles) || a.requiredRoles.some((r) => typeof r !== 'string' || r === '')) {
    return [{ path: 'approval.requiredRoles', message: 'an array of role names' }];
  }
  if (a.quorumByEnvironment === null || typeof a.quorumByEnvironment !== 'object') {
    return [{ path: 'approval.quorumByEnvironment', message: 'an object of environment → quorum' }];
  }
  const quorums = [a.defaultQuorum, ...Object.values(a.quorumByEnvironment)];
  if (quorums.some((q) => !Number.isInteger(q) || q < 0 || q > 10)) {
    p.push({ path: 'approval', message: 'quorums are integers from 0 to 10' });
  }
  if (quorums.some((q) => q > 0) && a.requiredRoles.length === 0) {
    p.push({ path: 'approval.requiredRoles', message: 'a quorum above 0 needs at least one approver role' });
  }
  return p;
}

/** Throws ValidationError INVALID_PLAN listing every problem. */
export function assertValidPlan(plan: RunPlan): void {
  const problems = planProblems(plan);
  if (problems.length > 0) {
    throw new ValidationError(
      'INVALID_PLAN',
      `the run plan is invalid (${problems.map((x) => `${x.path}: ${x.message}`).join('; ')}): fix the blueprint and compile again`,
      problems,
    );
  }
}

/** Stage ids in an order where every stage follows its dependencies; undefined on a cycle. */
export function topologicalOrder(stages: readonly PlanStage[]): string[] | undefined {
  const remaining = new Map(stages.map((s) => [s.id, new Set(s.dependsOn)]));
  const order: string[] = [];
  while (remaining.size > 0) {
    const ready = [...remaining].filter(([, deps]) => [...deps].every((d) => !remaining.has(d))).map(([id]) => id);
    if (ready.length === 0) return undefined;
    for (const id of ready) {
      remaining.delete(id);
      order.push(id);
    }
  }
  return order;
}

function ancestors(stages: readonly PlanStage[], id: string): Set<string> {
  const byId = new Map(stages.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const stack = [...(byId.get(id)?.dependsOn ?? [])];
  while (stack.length > 0) {
    const d = stack.pop() as string;
    if (seen.has(d)) continue;
    seen.add(d);
    stack.push(...(byId.get(d)?.dependsOn ?? []));
  }
  return seen;
}

/** Array.isArray without narrowing: inputs are typed, but may come from untrusted JSON. */
function isArray(x: unknown): boolean {
  return Array.isArray(x);
}
