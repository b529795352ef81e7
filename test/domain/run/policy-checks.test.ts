import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { policyChecks } from '../../../src/domain/run/policy-checks.js';
import { pipelineRun } from '../../../src/domain/run/run.js';
import type { RunCommand } from '../../../src/domain/run/types.js';
import { fail, history, pass, requestRun, sys } from './fixtures.js';

const stateOf = (...commands: RunCommand[]) => history(...commands).reduce(pipelineRun.evolve, pipelineRun.initialState);
const report = (checkId: string, r = pass): RunCommand => ({
  type: 'ReportCheckResult',
  checkId,
  attempt: 1,
  workerId: 'wrk:1',
  report: r,
  ...sys,
});

describe('policyChecks', () => {
  it('maps results, final errors, skipped stages and missing checks in plan order', () => {
    const s = stateOf(
      requestRun(),
      { type: 'QueueRun', ...sys },
      { type: 'StartStage', stageId: 'build', ...sys },
      report('unit_tests'),
      { type: 'ReportCheckError', checkId: 'code_lint', attempt: 1, workerId: 'wrk:1', error: 'linter crashed', ...sys },
      { type: 'StartStage', stageId: 'functional-tests', ...sys },
      report('functional', fail),
      { type: 'SkipStage', stageId: 'load-test', ...sys },
    );
    assert.deepEqual(
      policyChecks(s).map((c) => [c.id, c.status]),
      [
        ['unit_tests', 'PASS'],
        ['code_lint', 'ERROR'],
        ['functional', 'FAIL'],
        ['perf_test', 'SKIPPED'],
      ],
    );
    const unit = policyChecks(s)[0];
    assert.deepEqual(unit, {
      id: 'unit_tests',
      type: 'UNIT_TESTS',
      required: true,
      status: 'PASS',
      metrics: pass.metrics,
      findings: [],
      evidence: pass.evidence,
    });
    assert.deepEqual(policyChecks(s)[2]?.findings, fail.findings);
  });

  it('a check still running is MISSING', () =>
    assert.equal(
      policyChecks(stateOf(requestRun(), { type: 'QueueRun', ...sys }, { type: 'StartStage', stageId: 'build', ...sys }))[0]?.status,
      'MISSING',
    ));
});
