import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalize } from 'ledger-verify';
import { APPROVAL_POLICY_LANGUAGE, approvalPolicyOf, compilePlan } from '../../../src/domain/blueprint/compile-plan.js';
import { ValidationError } from '../../../src/domain/errors.js';
import { evaluatePolicy } from '../../../src/domain/policy/engine.js';
import type { PolicyInput } from '../../../src/domain/policy/types.js';
import { BLUEPRINT_FILES, repoBlueprint } from '../../blueprints/fixtures.js';

describe('compilePlan(blueprint) -> RunPlan', () => {
  it('ds-ia-crypto: stages in sequence, checks with defaults and thresholds, pinned by the blueprint digest', () => {
    const b = repoBlueprint('ds-ia-crypto');
    const plan = compilePlan(b.definition);
    assert.deepEqual(plan.blueprint, { id: 'ds-ia-crypto', version: 1, digest: b.digest });
    assert.deepEqual(
      plan.stages.map((s) => [s.id, s.dependsOn]),
      [
        ['build', []],
        ['data_validation', ['build']],
        ['model_training', ['data_validation']],
        ['pre_deploy', ['model_training']],
      ],
    );
    assert.deepEqual(plan.stages[0]?.checks[1], {
      id: 'unit_tests',
      type: 'UNIT_TESTS',
      required: true,
      timeoutSeconds: 600,
      maxRetries: 0,
      thresholds: { min_coverage: 0.8 },
    });
    assert.deepEqual(plan.stages[2]?.checks[1], {
      id: 'fairness_check',
      type: 'MODEL_FAIRNESS',
      required: false,
      timeoutSeconds: 600,
      maxRetries: 0,
      thresholds: { max_disparity: 0.1 },
    });
    assert.deepEqual(plan.approval, { requiredRoles: [], quorumByEnvironment: {}, defaultQuorum: 0 });
    assert.equal(plan.policies[0]?.language, APPROVAL_POLICY_LANGUAGE);
  });

  it('api-secure: load tests depend on the functional stage; DAST and TLS only on the build', () => {
    const plan = compilePlan(repoBlueprint('api-secure').definition);
    assert.deepEqual(
      plan.stages.map((s) => [s.id, s.dependsOn]),
      [
        ['build', []],
        ['functional', ['build']],
        ['load', ['functional']],
        ['pre_deploy', ['build']],
      ],
    );
    assert.deepEqual(plan.stages[2]?.checks[0], {
      id: 'load_test',
      type: 'LOAD_TEST',
      required: true,
      timeoutSeconds: 600,
      maxRetries: 2,
      thresholds: { max_latency_ms_p95: 300 },
    });
    assert.deepEqual(plan.approval, { requiredRoles: ['service-owner', 'security'], quorumByEnvironment: { prod: 1 }, defaultQuorum: 0 });
  });

  it('a run_if becomes the stage condition', () => {
    const b = repoBlueprint('ds-ia-crypto').definition;
    const stages = b.stages.map((s) => (s.name === 'pre_deploy' ? { ...s, run_if: { stage: 'build', status: 'PASSED' as const } } : s));
    assert.deepEqual(compilePlan({ ...b, stages }).stages[3]?.condition, { stage: 'build', status: 'PASSED' });
  });

  for (const name of BLUEPRINT_FILES) {
    it(`${name}: the plan is I-JSON and carries the whole approval policy, checked against its digest`, () => {
      const b = repoBlueprint(name);
      const plan = compilePlan(b.definition);
      const recorded = JSON.parse(canonicalize(plan)) as typeof plan;
      assert.deepEqual(recorded, plan);
      assert.deepEqual(approvalPolicyOf(recorded), b.definition.policies.approval);
    });
  }

  it('the policy evaluated from the plan alone gives the same verdict as from the blueprint', () => {
    const b = repoBlueprint('ds-ia-crypto');
    const plan = compilePlan(b.definition);
    const input: PolicyInput = {
      blueprintId: plan.blueprint.id,
      blueprintVersion: plan.blueprint.version,
      blueprintDigest: plan.blueprint.digest,
      environment: 'prod',
      evaluatedAt: '2026-03-01T10:00:00.000Z',
      checks: plan.stages.flatMap((s) =>
        s.checks.map((c) => ({
          id: c.id,
          type: c.type,
          required: c.required,
          status: 'PASS' as const,
          metrics: (c.id === 'unit_tests' ? { coverage: 0.7 } : {}) as Record<string, number>,
          findings: [],
          evidence: [],
        })),
      ),
      waivers: [],
    };
    const fromPlan = evaluatePolicy(approvalPolicyOf(plan), input);
    assert.deepEqual(fromPlan, evaluatePolicy(b.definition.policies.approval, input));
    assert.equal(fromPlan.verdict, 'REJECTED');
  });

  it('an altered policy in a plan is refused: POLICY_DIGEST_MISMATCH', () => {
    const plan = compilePlan(repoBlueprint('ds-ia-crypto').definition);
    const p = plan.policies[0];
    assert.ok(p);
    const altered = { policies: [{ ...p, expression: p.expression.replace('>= 0.8', '>= 0.5') }] };
    assert.throws(
      () => approvalPolicyOf(altered),
      (e: unknown) => e instanceof ValidationError && e.code === 'POLICY_DIGEST_MISMATCH',
    );
  });

  it('a blueprint with a stage cycle does not compile: INVALID_BLUEPRINT', () => {
    const b = repoBlueprint('ds-ia-crypto').definition;
    const stages = b.stages.map((s, i) => (i === 0 ? { ...s, depends_on: ['pre_deploy'] } : s));
    assert.throws(
      () => compilePlan({ ...b, stages }),
      (e: unknown) => e instanceof ValidationError && e.code === 'INVALID_BLUEPRINT',
    );
  });
});
