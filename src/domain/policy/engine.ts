import { quorumFor, SEVERITIES, severityRank, type ApprovalCondition, type ApprovalPolicy, type OnFail } from '../blueprint/types.js';
import { contentDigest } from '../digest.js';
import { ValidationError } from '../errors.js';
import { activeWaivers, policyEnvironment, Recorder, RuleError } from './functions.js';
import { CHECK_STATUSES, type ConditionExplanation, type PolicyEvaluation, type PolicyInput, type Verdict } from './types.js';

/** Part of every evaluation: a change to the functions' meaning bumps it. */
export const ENGINE_VERSION = 'qledger-policy/1';

const CONDITION_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const RFC3339_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export interface RuleProblem {
  /** Path inside the approval policy, e.g. ['conditions', 2, 'rule']. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

const EMPTY_INPUT: PolicyInput = {
  blueprintId: 'x',
  blueprintVersion: 1,
  blueprintDigest: '',
  environment: '',
  evaluatedAt: '',
  checks: [],
  waivers: [],
};

/** Everything that keeps an approval policy from compiling; empty when it compiles. */
export function policyProblems(policy: ApprovalPolicy): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const env = policyEnvironment(EMPTY_INPUT, activeWaivers(EMPTY_INPUT), () => new Recorder());
  const seen = new Set<string>();
  policy.conditions.forEach((c, i) => {
    if (!CONDITION_NAME.test(c.name)) {
      problems.push({ path: ['conditions', i, 'name'], message: `expected a lowercase name like coverage_at_least_80 (got "${c.name}")` });
    } else if (seen.has(c.name)) {
      problems.push({ path: ['conditions', i, 'name'], message: `expected a unique condition name ("${c.name}" is used twice)` });
    }
    seen.add(c.name);
    for (const m of c.rule.matchAll(/no_vulnerabilities_with_severity_at_or_above\(\s*(['"])(.*?)\1\s*\)/g)) {
      if (severityRank(m[2] ?? '') < 0) {
        problems.push({ path: ['conditions', i, 'rule'], message: `expected a severity among ${SEVERITIES.join(', ')} (got "${m[2]}")` });
      }
    }
    const checked = env.check(c.rule);
    if (!checked.valid) {
      problems.push({
        path: ['conditions', i, 'rule'],
        message: `expected a CEL expression over the policy functions: ${firstLine(checked.error?.message)}`,
      });
    } else if (checked.type !== 'bool') {
      problems.push({ path: ['conditions', i, 'rule'], message: `expected a rule of type bool (this one is ${checked.type})` });
    }
  });
  if (policy.conditions.length === 0) problems.push({ path: ['conditions'], message: 'expected at least one approval condition' });
  const needsHumans = policy.conditions.findIndex((c) => c.on_fail === 'NEEDS_APPROVAL');
  if (needsHumans >= 0 && (policy.human_approval?.roles ?? []).length === 0) {
    problems.push({
      path: ['conditions', needsHumans, 'on_fail'],
      message: 'expected human_approval.roles (who may approve) with an on_fail NEEDS_APPROVAL condition',
    });
  }
  return problems;
}

/** The digest of the approval policy as evaluated: names, rules, messages, outcomes, environments. */
export function policyDigest(policy: ApprovalPolicy): string {
  return contentDigest(policy, 'approval policy');
}

/**
 * Evaluates an approval policy against check results, waivers and an environment. Pure and
 * deterministic: the same policy and input always give the same evaluation, digests included.
 */
export function evaluatePolicy(policy: ApprovalPolicy, input: PolicyInput): PolicyEvaluation {
  assertInput(input);
  const problems = policyProblems(policy);
  if (problems.length > 0) {
    throw new ValidationError(
      'POLICY_DOES_NOT_COMPILE',
      `the approval policy does not compile: ${problems[0]?.message}`,
      problems.map(toField),
    );
  }
  const inputsDigest = contentDigest(input, 'policy input');
  const waivers = activeWaivers(input);
  let current = new Recorder();
  const env = policyEnvironment(input, waivers, () => current);

  const conditions = policy.conditions.map((c): ConditionExplanation => {
    current = new Recorder();
    return explain(c, env, input, waivers.conditions.get(c.name)?.id, current);
  });

  const blocking = conditions.filter((c) => c.blocking);
  const humanApprovalRequired = blocking.length === 0 && quorumFor(policy.human_approval, input.environment) > 0;
  const verdict: Verdict = blocking.some((c) => c.onFail === 'REJECT')
    ? 'REJECTED'
    : blocking.length > 0 || humanApprovalRequired
      ? 'NEEDS_APPROVAL'
      : 'APPROVED';
  const summary = blocking.map((c) => `${c.name}: ${c.message}${seen(c)}`);
  if (humanApprovalRequired) summary.push(`environment ${input.environment} requires a human approval`);
  return {
    verdict,
    blueprintId: input.blueprintId,
    blueprintVersion: input.blueprintVersion,
    blueprintDigest: input.blueprintDigest,
    policyDigest: policyDigest(policy),
    engineVersion: ENGINE_VERSION,
    inputsDigest,
    environment: input.environment,
    evaluatedAt: input.evaluatedAt,
    conditions,
    humanApprovalRequired,
    summary,
  };
}

function explain(
  c: ApprovalCondition,
  env: ReturnType<typeof policyEnvironment>,
  input: PolicyInput,
  conditionWaiver: string | undefined,
  rec: Recorder,
): ConditionExplanation {
  const onFail: OnFail = c.on_fail ?? 'REJECT';
  const base = { name: c.name, rule: c.rule, onFail, message: c.message, recommendation: c.recommendation };
  if (c.environments !== undefined && !c.environments.includes(input.environment)) {
    return { ...base, outcome: 'NOT_APPLICABLE', blocking: false, observed: [], waivedBy: [] };
  }
  let holds: boolean;
  let error: string | undefined;
  try {
    holds = env.evaluate(c.rule, { environment: input.environment }) === true;
  } catch (e) {
    holds = false;
    error = e instanceof RuleError ? e.message : firstLine(e instanceof Error ? e.message : String(e));
  }
  const observed = rec.observed;
  if (!holds && conditionWaiver !== undefined) {
    return { ...base, outcome: 'WAIVED', blocking: false, observed, waivedBy: [conditionWaiver], ...(error ? { error } : {}) };
  }
  const waivedBy = [...rec.waivedBy].sort();
  if (holds) return { ...base, outcome: 'PASS', blocking: false, observed, waivedBy };
  return { ...base, outcome: error ? 'ERROR' : 'FAIL', blocking: true, observed, waivedBy, ...(error ? { error } : {}) };
}

function seen(c: ConditionExplanation): string {
  if (c.error) return ` (${c.error})`;
  const values = c.observed.map((o) => `${o.call} = ${JSON.stringify(o.value)}`);
  return values.length > 0 ? ` (saw ${values.join(', ')})` : '';
}

function firstLine(s: string | undefined): string {
  return (s ?? 'invalid expression').split('\n')[0] ?? '';
}

function toField(p: RuleProblem) {
  return { path: p.path.join('.'), message: p.message };
}

function assertInput(input: PolicyInput): void {
  const bad = (path: string, message: string): never => {
    throw new ValidationError('INVALID_POLICY_INPUT', `policy input ${path}: ${message}`, [{ path, message }]);
  };
  if (!RFC3339_MS.test(input.evaluatedAt)) bad('evaluatedAt', 'expected RFC 3339 UTC with milliseconds, e.g. 2026-01-31T12:00:00.000Z');
  const ids = new Set<string>();
  input.checks.forEach((c, i) => {
    if (ids.has(c.id)) bad(`checks[${i}].id`, `expected unique check ids ("${c.id}" appears twice)`);
    ids.add(c.id);
    if (!(CHECK_STATUSES as readonly string[]).includes(c.status))
      bad(`checks[${i}].status`, `expected one of ${CHECK_STATUSES.join(', ')}`);
    for (const [k, v] of Object.entries(c.metrics)) if (!Number.isFinite(v)) bad(`checks[${i}].metrics.${k}`, 'expected a finite number');
  });
  input.waivers.forEach((w, i) => {
    if (!RFC3339_MS.test(w.expiresAt)) bad(`waivers[${i}].expiresAt`, 'expected RFC 3339 UTC with milliseconds');
    if (w.effectiveFrom !== undefined && !RFC3339_MS.test(w.effectiveFrom))
      bad(`waivers[${i}].effectiveFrom`, 'expected RFC 3339 UTC with milliseconds');
  });
}
