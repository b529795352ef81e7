import { canonicalize } from 'ledger-verify';
import { contentDigest } from '../digest.js';
import { ValidationError } from '../errors.js';
import { policyDigest } from '../policy/engine.js';
import type { JsonObject, PlanCheck, PlanStage, RunPlan } from './run-plan.js';
import { stageDependencies, type ApprovalPolicy, type BlueprintDefinition, type CheckDefinition } from './types.js';
import { semanticProblems } from './validate.js';

/** The language tag of the plan's approval policy: the whole ApprovalPolicy as RFC 8785 canonical JSON, rules in CEL. */
export const APPROVAL_POLICY_LANGUAGE = 'qledger-approval/1+cel';
export const APPROVAL_POLICY_ID = 'approval';

export const DEFAULT_TIMEOUT_SECONDS = 600;
export const DEFAULT_RETRIES = 0;

const THRESHOLD_KEYS = [
  'min_coverage',
  'severity_threshold',
  'min_metrics',
  'max_metrics',
  'max_disparity',
  'max_latency_ms_p95',
  'max_drift',
  'tool',
  'params',
] as const satisfies readonly (keyof CheckDefinition)[];

/**
 * The self-contained plan a run records in its RunRequested event: stages with their resolved
 * dependencies, checks with defaults applied and their thresholds, the approval policy in full
 * (so the verdict can be re-evaluated from the run alone) and the approval requirements.
 * Pure and deterministic. Throws INVALID_BLUEPRINT if the blueprint does not validate.
 */
export function compilePlan(definition: BlueprintDefinition): RunPlan {
  const problems = semanticProblems(definition);
  if (problems.length > 0) {
    throw new ValidationError(
      'INVALID_BLUEPRINT',
      `blueprint ${definition.id} v${definition.version} does not compile: ${problems[0]?.path.join('.')}: ${problems[0]?.message}`,
      problems.map((p) => ({ path: p.path.join('.'), message: p.message })),
    );
  }
  const deps = stageDependencies(definition.stages);
  const stages: PlanStage[] = definition.stages.map((s) => ({
    id: s.name,
    name: s.description ?? s.name,
    dependsOn: [...(deps.get(s.name) ?? [])],
    ...(s.run_if ? { condition: { stage: s.run_if.stage, status: s.run_if.status } } : {}),
    checks: s.checks.map(planCheck),
  }));
  const approval = definition.policies.approval;
  const h = approval.human_approval;
  return {
    schemaVersion: 1,
    blueprint: { id: definition.id, version: definition.version, digest: contentDigest(definition, 'blueprint') },
    stages,
    policies: [
      { id: APPROVAL_POLICY_ID, language: APPROVAL_POLICY_LANGUAGE, expression: canonicalize(approval), digest: policyDigest(approval) },
    ],
    approval: {
      requiredRoles: [...(h?.roles ?? [])],
      quorumByEnvironment: { ...(h?.quorum ?? {}) },
      defaultQuorum: h?.default_quorum ?? 0,
    },
  };
}

function planCheck(c: CheckDefinition): PlanCheck {
  const thresholds: Record<string, unknown> = {};
  for (const k of THRESHOLD_KEYS) if (c[k] !== undefined) thresholds[k] = c[k];
  return {
    id: c.id,
    type: c.type,
    required: c.required ?? true,
    timeoutSeconds: c.timeout_seconds ?? DEFAULT_TIMEOUT_SECONDS,
    maxRetries: c.retries ?? DEFAULT_RETRIES,
    thresholds: thresholds as JsonObject,
  };
}

/**
 * The approval policy a plan carries, checked against its digest: what the policy engine
 * evaluates when a run's decision is due or replayed.
 */
export function approvalPolicyOf(plan: Pick<RunPlan, 'policies'>): ApprovalPolicy {
  const p = plan.policies.find((x) => x.id === APPROVAL_POLICY_ID && x.language === APPROVAL_POLICY_LANGUAGE);
  if (!p) {
    throw new ValidationError(
      'PLAN_WITHOUT_APPROVAL_POLICY',
      `the run plan has no ${APPROVAL_POLICY_LANGUAGE} policy: compile the plan with compilePlan`,
      [{ path: 'policies', message: `expected a policy with language ${APPROVAL_POLICY_LANGUAGE}` }],
    );
  }
  const policy = JSON.parse(p.expression) as ApprovalPolicy;
  if (policyDigest(policy) !== p.digest) {
    throw new ValidationError(
      'POLICY_DIGEST_MISMATCH',
      `the plan's approval policy does not match its digest ${p.digest}: the plan was altered`,
      [{ path: 'policies', message: 'expected the digest of the expression' }],
    );
  }
  return policy;
}
