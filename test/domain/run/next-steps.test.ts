import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../../src/domain/errors.js';
import { nextSteps } from '../../../src/domain/run/next-steps.js';
import { pipelineRun } from '../../../src/domain/run/run.js';
import type { RunCommand } from '../../../src/domain/run/types.js';
import { T0, T1, fail, history, pass, requestRun, sys } from './fixtures.js';

const stateOf = (...commands: RunCommand[]) => history(...commands).reduce(pipelineRun.evolve, pipelineRun.initialState);
const report = (checkId: string, r = pass): RunCommand => ({
  type: 'ReportCheckResult',
  checkId,
  attempt: 1,
  workerId: 'wrk:1',
  report: r,
  ...sys,
});
const queue: RunCommand = { type: 'QueueRun', ...sys };
const start = (stageId: string): RunCommand => ({ type: 'StartStage', stageId, ...sys });

describe('nextSteps', () => {
  it('a run never requested has nothing to do', () =>
    assert.deepEqual(nextSteps(pipelineRun.initialState, T0), {
      queue: false,
      stagesToStart: [],
      stagesToSkip: [],
      overdueChecks: [],
      awaitingDecision: false,
    }));

  it('a requested run is to be queued', () => assert.equal(nextSteps(stateOf(requestRun()), T0).queue, true));

  it('a queued run starts its root stages only', () =>
    assert.deepEqual(nextSteps(stateOf(requestRun(), queue), T0).stagesToStart, ['build']));

  it('a running stage blocks its dependents; its checks are overdue only from their deadline on', () => {
    const s = stateOf(requestRun(), queue, start('build'));
    assert.deepEqual(nextSteps(s, T0).stagesToStart, []);
    assert.deepEqual(nextSteps(s, '2026-03-01T10:00:59.999Z').overdueChecks, []);
    assert.deepEqual(nextSteps(s, T1).overdueChecks, [{ checkId: 'code_lint', attempt: 1, deadline: T1 }]);
    assert.deepEqual(
      nextSteps(s, '2026-03-01T10:10:00.000Z').overdueChecks.map((c) => c.checkId),
      ['unit_tests', 'code_lint'],
    );
  });

  it('a failed stage makes its PASSED-conditioned dependent skip and its FAILED-conditioned one run', () => {
    const s = stateOf(
      requestRun(),
      queue,
      start('build'),
      report('unit_tests'),
      report('code_lint'),
      start('functional-tests'),
      report('functional', fail),
    );
    const n = nextSteps(s, T1);
    assert.deepEqual(n.stagesToStart, ['diagnostics']);
    assert.deepEqual(n.stagesToSkip, [
      { stageId: 'load-test', reason: 'CONDITION_UNMET', detail: 'runs only when functional-tests is PASSED; it is FAILED' },
    ]);
  });

  it('a stage whose plain dependency failed is skipped as DEPENDENCY_NOT_PASSED', () => {
    const s = stateOf(requestRun(), queue, start('build'), report('unit_tests', fail), report('code_lint'));
    assert.deepEqual(nextSteps(s, T1).stagesToSkip, [
      { stageId: 'functional-tests', reason: 'DEPENDENCY_NOT_PASSED', detail: 'needs build PASSED (it is FAILED)' },
    ]);
  });

  it('a run whose stages all ended awaits its decision; an ended run has nothing to do', () => {
    const cmds: RunCommand[] = [
      requestRun(),
      queue,
      start('build'),
      report('unit_tests'),
      report('code_lint'),
      start('functional-tests'),
      report('functional'),
      { type: 'SkipStage', stageId: 'diagnostics', ...sys },
      start('load-test'),
      report('perf_test'),
    ];
    assert.equal(nextSteps(stateOf(...cmds), T1).awaitingDecision, true);
    const ended = stateOf(...cmds, { type: 'CompleteRun', outcome: 'APPROVED', reasons: [], ...sys });
    assert.equal(nextSteps(ended, T1).awaitingDecision, false);
  });

  it('a malformed "now" is a ValidationError, not a silent "nothing overdue"', () =>
    assert.throws(
      () => nextSteps(stateOf(requestRun(), queue), '10:00'),
      (e: unknown) => e instanceof ValidationError && e.code === 'INVALID_TIMESTAMP',
    ));
});
