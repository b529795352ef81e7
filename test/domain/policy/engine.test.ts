import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalize } from 'ledger-verify';
import type { BlueprintDefinition } from '../../../src/domain/blueprint/types.js';
import { ValidationError } from '../../../src/domain/errors.js';
import { ENGINE_VERSION, evaluatePolicy, policyDigest } from '../../../src/domain/policy/engine.js';
import type { CheckResult, PolicyInput, Waiver } from '../../../src/domain/policy/types.js';
import { repoBlueprint } from '../../blueprints/fixtures.js';

const dsIaCrypto = repoBlueprint('ds-ia-crypto');
const realtime = repoBlueprint('realtime-ml');
const dsBatch = repoBlueprint('ds-batch');
const AT = '2026-03-01T10:00:00.000Z';

/** Every check of the blueprint passing, with the given metrics per check id. */
function passingChecks(bp: BlueprintDefinition, metrics: Record<string, Record<string, number>>): CheckResult[] {
  return bp.stages.flatMap((s) =>
    s.checks.map((c) => ({
      id: c.id,
      type: c.type,
      required: c.required ?? true,
      status: 'PASS' as const,
      metrics: metrics[c.id] ?? {},
      findings: [],
      evidence: [`sha256:${'e'.repeat(64)}`],
    })),
  );
}

function inputFor(
  loaded: { definition: BlueprintDefinition; digest: string },
  checks: CheckResult[],
  over: Partial<PolicyInput> = {},
): PolicyInput {
  return {
    blueprintId: loaded.definition.id,
    blueprintVersion: loaded.definition.version,
    blueprintDigest: loaded.digest,
    environment: 'staging',
    evaluatedAt: AT,
    checks,
    waivers: [],
    ...over,
  };
}

const withCheck = (checks: CheckResult[], id: string, patch: Partial<CheckResult>): CheckResult[] =>
  checks.map((c) => (c.id === id ? { ...c, ...patch } : c));

const good = passingChecks(dsIaCrypto.definition, { unit_tests: { coverage: 0.91 }, offline_metrics: { f1_score: 0.84 } });
const policy = dsIaCrypto.definition.policies.approval;

describe('policy engine: ds-ia-crypto (seed 000 §7.1)', () => {
  it('approves when every condition holds, and explains every condition with what it saw', () => {
    const r = evaluatePolicy(policy, inputFor(dsIaCrypto, good));
    assert.equal(r.verdict, 'APPROVED');
    assert.deepEqual(
      r.conditions.map((c) => [c.name, c.outcome]),
      [
        ['all_required_checks_pass', 'PASS'],
        ['coverage_at_least_80', 'PASS'],
        ['no_high_vulnerabilities', 'PASS'],
        ['no_crypto_anti_patterns', 'PASS'],
      ],
    );
    assert.deepEqual(r.conditions[1]?.observed, [{ call: "metric('coverage')", value: 0.91, details: { check: 'unit_tests' } }]);
    assert.equal(r.blueprintDigest, dsIaCrypto.digest);
    assert.equal(r.policyDigest, policyDigest(policy));
    assert.equal(r.engineVersion, ENGINE_VERSION);
    assert.match(r.inputsDigest, /^sha256:[0-9a-f]{64}$/);
  });

  it('rejects coverage 0.7, naming the coverage condition and the value 0.7', () => {
    const r = evaluatePolicy(policy, inputFor(dsIaCrypto, withCheck(good, 'unit_tests', { metrics: { coverage: 0.7 } })));
    assert.equal(r.verdict, 'REJECTED');
    const failed = r.conditions.filter((c) => c.blocking);
    assert.deepEqual(
      failed.map((c) => c.name),
      ['coverage_at_least_80'],
    );
    assert.equal(failed[0]?.outcome, 'FAIL');
    assert.deepEqual(
      failed[0]?.observed.map((o) => [o.call, o.value]),
      [["metric('coverage')", 0.7]],
    );
    assert.equal(failed[0]?.recommendation.includes('coverage >= 0.8'), true);
    assert.deepEqual(r.summary, ["coverage_at_least_80: test coverage must be at least 0.8 (saw metric('coverage') = 0.7)"]);
  });

  it('is reproducible: the recorded inputs (as JSON) give the same verdict, explanation and digests', () => {
    const input = inputFor(dsIaCrypto, withCheck(good, 'sast', { findings: [{ id: 'f-1', severity: 'high', category: 'vulnerability' }] }));
    const first = evaluatePolicy(policy, input);
    const recorded = JSON.parse(JSON.stringify(input)) as PolicyInput;
    const again = evaluatePolicy(structuredClone(policy), recorded);
    assert.deepEqual(again, first);
    assert.equal(first.verdict, 'REJECTED');
    // The evaluation itself is I-JSON: it can be recorded in an event as it is.
    assert.deepEqual(JSON.parse(canonicalize(first)), first);
  });

  it('the inputs digest changes with any input, the time included', () => {
    const a = evaluatePolicy(policy, inputFor(dsIaCrypto, good));
    const b = evaluatePolicy(policy, inputFor(dsIaCrypto, good, { evaluatedAt: '2026-03-01T10:00:00.001Z' }));
    const c = evaluatePolicy(policy, inputFor(dsIaCrypto, withCheck(good, 'unit_tests', { metrics: { coverage: 0.9100001 } })));
    assert.notEqual(a.inputsDigest, b.inputsDigest);
    assert.notEqual(a.inputsDigest, c.inputsDigest);
  });

  it('a failed required check rejects and is named; a failed optional check does not', () => {
    const r = evaluatePolicy(policy, inputFor(dsIaCrypto, withCheck(good, 'tls_policy', { status: 'FAIL' })));
    assert.equal(r.verdict, 'REJECTED');
    assert.deepEqual(r.conditions[0]?.observed[0]?.details?.['failing'], [{ check: 'tls_policy', status: 'FAIL' }]);
    const optional = evaluatePolicy(policy, inputFor(dsIaCrypto, withCheck(good, 'fairness_check', { status: 'FAIL' })));
    assert.equal(optional.verdict, 'APPROVED');
  });

  it('a HIGH finding rejects; a MEDIUM one does not', () => {
    const high = evaluatePolicy(
      policy,
      inputFor(dsIaCrypto, withCheck(good, 'penetration_test', { findings: [{ id: 'x-1', severity: 'HIGH' }] })),
    );
    assert.equal(high.verdict, 'REJECTED');
    assert.deepEqual(high.conditions.find((c) => c.name === 'no_high_vulnerabilities')?.observed[0]?.details, {
      findings: [{ check: 'penetration_test', finding: 'x-1', severity: 'HIGH' }],
    });
    const medium = evaluatePolicy(
      policy,
      inputFor(dsIaCrypto, withCheck(good, 'penetration_test', { findings: [{ id: 'x-1', severity: 'medium' }] })),
    );
    assert.equal(medium.verdict, 'APPROVED');
  });

  it('a crypto anti-pattern (a finding of the crypto analysis) rejects', () => {
    const r = evaluatePolicy(
      policy,
      inputFor(
        dsIaCrypto,
        withCheck(good, 'crypto_static_analysis', {
          findings: [{ id: 'c-1', severity: 'LOW', rule: 'ecb-mode', category: 'crypto-anti-pattern' }],
        }),
      ),
    );
    assert.equal(r.verdict, 'REJECTED');
    assert.deepEqual(
      r.conditions.filter((c) => c.blocking).map((c) => c.name),
      ['no_crypto_anti_patterns'],
    );
  });

  it('a metric no check reported makes the condition an ERROR that blocks, saying which metric', () => {
    const r = evaluatePolicy(policy, inputFor(dsIaCrypto, withCheck(good, 'unit_tests', { metrics: {} })));
    assert.equal(r.verdict, 'REJECTED');
    const c = r.conditions.find((x) => x.name === 'coverage_at_least_80');
    assert.equal(c?.outcome, 'ERROR');
    assert.equal(c?.error, "metric 'coverage' was not reported by any check");
  });

  it('the same metric name reported by two checks with different values is ambiguous', () => {
    const r = evaluatePolicy(policy, inputFor(dsIaCrypto, withCheck(good, 'code_lint', { metrics: { coverage: 0.5 } })));
    assert.equal(r.conditions.find((x) => x.name === 'coverage_at_least_80')?.outcome, 'ERROR');
  });
});

describe('policy engine: waivers are honoured until they expire', () => {
  const failingSast = withCheck(good, 'sast', { status: 'FAIL' });
  const waiver: Waiver = {
    id: 'wv-1',
    target: { check: 'sast' },
    grantedBy: 'usr:sec-lead-1',
    reason: 'false positive, fix in 2.1',
    expiresAt: '2026-03-01T10:00:00.001Z',
  };

  it('an active waiver on a failed check lets all_required_checks_pass hold, and says who waived it', () => {
    const r = evaluatePolicy(policy, inputFor(dsIaCrypto, failingSast, { waivers: [waiver] }));
    assert.equal(r.verdict, 'APPROVED');
    assert.deepEqual(r.conditions[0]?.waivedBy, ['wv-1']);
  });

  it('at its expiry instant the waiver is no longer honoured', () => {
    const r = evaluatePolicy(policy, inputFor(dsIaCrypto, failingSast, { waivers: [waiver], evaluatedAt: '2026-03-01T10:00:00.001Z' }));
    assert.equal(r.verdict, 'REJECTED');
    assert.deepEqual(r.conditions[0]?.waivedBy, []);
  });

  it('a waiver not yet effective is not honoured', () => {
    const r = evaluatePolicy(
      policy,
      inputFor(dsIaCrypto, failingSast, {
        waivers: [{ ...waiver, effectiveFrom: '2026-03-01T10:00:00.001Z', expiresAt: '2026-04-01T00:00:00.000Z' }],
      }),
    );
    assert.equal(r.verdict, 'REJECTED');
  });

  it('a waiver of a finding removes it; a waiver of a condition marks the condition WAIVED', () => {
    const finding = evaluatePolicy(
      policy,
      inputFor(dsIaCrypto, withCheck(good, 'sast', { findings: [{ id: 'cve-1', severity: 'CRITICAL' }] }), {
        waivers: [{ ...waiver, id: 'wv-2', target: { finding: 'cve-1' } }],
      }),
    );
    assert.equal(finding.verdict, 'APPROVED');
    assert.deepEqual(finding.conditions.find((c) => c.name === 'no_high_vulnerabilities')?.waivedBy, ['wv-2']);
    const condition = evaluatePolicy(
      policy,
      inputFor(dsIaCrypto, withCheck(good, 'unit_tests', { metrics: { coverage: 0.7 } }), {
        waivers: [{ ...waiver, id: 'wv-3', target: { condition: 'coverage_at_least_80' } }],
      }),
    );
    assert.equal(condition.verdict, 'APPROVED');
    const c = condition.conditions.find((x) => x.name === 'coverage_at_least_80');
    assert.equal(c?.outcome, 'WAIVED');
    assert.deepEqual(c?.waivedBy, ['wv-3']);
    assert.deepEqual(
      c?.observed.map((o) => o.value),
      [0.7],
    );
  });
});

describe('policy engine: NEEDS_APPROVAL as the blueprint says', () => {
  const rt = passingChecks(realtime.definition, {
    unit_tests: { coverage: 0.9 },
    model: { auc: 0.9, f1_score: 0.8 },
    fairness: { disparity: 0.05 },
    load_test: { latency_ms_p95: 80 },
  });

  it('realtime-ml: all passing in staging is APPROVED; in prod a human approval is required', () => {
    assert.equal(evaluatePolicy(realtime.definition.policies.approval, inputFor(realtime, rt)).verdict, 'APPROVED');
    const prod = evaluatePolicy(realtime.definition.policies.approval, inputFor(realtime, rt, { environment: 'prod' }));
    assert.equal(prod.verdict, 'NEEDS_APPROVAL');
    assert.equal(prod.humanApprovalRequired, true);
  });

  it('a condition limited to prod is NOT_APPLICABLE elsewhere', () => {
    const failedRobustness = withCheck(rt, 'robustness', { status: 'FAIL' });
    const staging = evaluatePolicy(realtime.definition.policies.approval, inputFor(realtime, failedRobustness));
    assert.equal(staging.conditions.find((c) => c.name === 'robustness_reviewed')?.outcome, 'NOT_APPLICABLE');
    assert.equal(staging.verdict, 'APPROVED');
  });

  it('metric lookups qualified by check id: model.auc below 0.85 rejects', () => {
    const r = evaluatePolicy(realtime.definition.policies.approval, inputFor(realtime, withCheck(rt, 'model', { metrics: { auc: 0.8 } })));
    assert.equal(r.verdict, 'REJECTED');
    assert.deepEqual(r.conditions.find((c) => c.name === 'auc_at_least_085')?.observed, [
      { call: "metric('model.auc')", value: 0.8, details: { check: 'model' } },
    ]);
  });

  it('ds-batch: a drift above 0.2 fails an on_fail NEEDS_APPROVAL condition: NEEDS_APPROVAL, not REJECTED', () => {
    const checks = passingChecks(dsBatch.definition, {
      unit_tests: { coverage: 0.8 },
      data_profile: { null_rate: 0.001 },
      data_drift: { drift: 0.3 },
    });
    const r = evaluatePolicy(dsBatch.definition.policies.approval, inputFor(dsBatch, checks));
    assert.equal(r.verdict, 'NEEDS_APPROVAL');
    assert.equal(r.humanApprovalRequired, false);
    assert.deepEqual(
      r.conditions.filter((c) => c.blocking).map((c) => c.name),
      ['drift_reviewed'],
    );
  });
});

describe('policy engine: bad input is refused', () => {
  it('an evaluation time that is not RFC 3339 UTC with milliseconds: INVALID_POLICY_INPUT', () =>
    assert.throws(
      () => evaluatePolicy(policy, inputFor(dsIaCrypto, good, { evaluatedAt: '2026-03-01 10:00' })),
      (e: unknown) => e instanceof ValidationError && e.code === 'INVALID_POLICY_INPUT',
    ));

  it('a non-finite metric: INVALID_POLICY_INPUT', () =>
    assert.throws(
      () => evaluatePolicy(policy, inputFor(dsIaCrypto, withCheck(good, 'unit_tests', { metrics: { coverage: Number.NaN } }))),
      (e: unknown) => e instanceof ValidationError && e.code === 'INVALID_POLICY_INPUT',
    ));

  it('a policy whose rule is not boolean: POLICY_DOES_NOT_COMPILE', () =>
    assert.throws(
      () =>
        evaluatePolicy(
          { conditions: [{ name: 'x', rule: "metric('coverage')", message: 'm', recommendation: 'r' }] },
          inputFor(dsIaCrypto, good),
        ),
      (e: unknown) => e instanceof ValidationError && e.code === 'POLICY_DOES_NOT_COMPILE',
    ));
});
