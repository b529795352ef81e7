import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../../src/domain/errors.js';
import { assertValidPlan, planProblems, quorumFor, topologicalOrder, type RunPlan } from '../../../src/domain/run/plan.js';
import { addSeconds, epochMs, fromEpochMs } from '../../../src/domain/run/time.js';
import { plan } from './fixtures.js';

const paths = (p: RunPlan) => planProblems(p).map((x) => x.path);
const withStages = (f: (s: RunPlan['stages']) => RunPlan['stages']): RunPlan => ({ ...plan, stages: f(plan.stages) });

describe('RunPlan validation', () => {
  it('the fixture plan is valid and ordered by its DAG', () => {
    assert.deepEqual(planProblems(plan), []);
    assert.deepEqual(topologicalOrder(plan.stages), ['build', 'functional-tests', 'load-test', 'diagnostics']);
  });

  it('an unknown dependency is reported where it is', () =>
    assert.deepEqual(paths(withStages((s) => s.map((x, i) => (i === 0 ? { ...x, dependsOn: ['ghost'] } : x)))), ['stages[0].dependsOn']));

  it('a condition on a stage that is not an ancestor is refused', () =>
    assert.deepEqual(
      paths(
        withStages((s) =>
          s.map((x) => (x.id === 'load-test' ? { ...x, condition: { stage: 'diagnostics', status: 'PASSED' as const } } : x)),
        ),
      ),
      ['stages[2].condition.stage'],
    ));

  it('duplicate check ids, bad timeouts and retries are each reported', () => {
    const bad = withStages((s) =>
      s.map((x) =>
        x.id === 'functional-tests'
          ? {
              ...x,
              checks: [{ ...(x.checks[0] as RunPlan['stages'][0]['checks'][0]), id: 'unit_tests', timeoutSeconds: 0, maxRetries: 11 }],
            }
          : x,
      ),
    );
    assert.deepEqual(paths(bad), ['stages[1].checks[0].id', 'stages[1].checks[0].timeoutSeconds', 'stages[1].checks[0].maxRetries']);
  });

  it('a quorum without any approver role is refused', () =>
    assert.deepEqual(paths({ ...plan, approval: { requiredRoles: [], quorumByEnvironment: { production: 2 }, defaultQuorum: 0 } }), [
      'approval.requiredRoles',
    ]));

  it('assertValidPlan throws INVALID_PLAN with every problem', () =>
    assert.throws(
      () => assertValidPlan({ ...plan, blueprint: { ...plan.blueprint, digest: 'abc' } }),
      (e: unknown) => e instanceof ValidationError && e.code === 'INVALID_PLAN' && e.problems.length === 1,
    ));

  it('the quorum depends on the environment', () => {
    assert.equal(quorumFor(plan.approval, 'production'), 2);
    assert.equal(quorumFor(plan.approval, 'staging'), 1);
    assert.equal(quorumFor(plan.approval, 'constructor'), 1);
  });
});

describe('domain time (no clock, no Date)', () => {
  it('agrees with Date on instants across centuries and leap days', () => {
    for (const iso of [
      '1970-01-01T00:00:00.000Z',
      '2000-02-29T23:59:59.999Z',
      '2026-03-01T10:00:00.000Z',
      '2100-12-31T00:00:00.001Z',
      '1969-07-20T20:17:40.000Z',
    ]) {
      assert.equal(epochMs(iso), Date.parse(iso), iso);
      assert.equal(fromEpochMs(Date.parse(iso)), iso);
    }
  });

  it('refuses impossible dates and other formats', () => {
    for (const bad of [
      '2026-02-29T00:00:00.000Z',
      '2026-04-31T00:00:00.000Z',
      '2026-01-01T24:00:00.000Z',
      '2026-01-01T00:00:00Z',
      '2026-01-01',
    ]) {
      assert.equal(epochMs(bad), undefined, bad);
    }
  });

  it('adds seconds across a month end', () => assert.equal(addSeconds('2026-02-28T23:59:30.000Z', 45), '2026-03-01T00:00:15.000Z'));
});
