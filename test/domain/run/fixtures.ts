import type { RunPlan } from '../../../src/domain/run/plan.js';
import { pipelineRun } from '../../../src/domain/run/run.js';
import type { CheckReport, RunCommand, RunEvent, RunInputs, RunTrigger } from '../../../src/domain/run/types.js';

export const T0 = '2026-03-01T10:00:00.000Z';
export const T1 = '2026-03-01T10:01:00.000Z';
export const T2 = '2026-03-01T10:02:00.000Z';
export const INITIATOR = 'usr:dev-1';
export const D = (c: string) => `sha256:${c.repeat(64)}`;

/** build → functional-tests → (load-test if PASSED | diagnostics if FAILED). */
export const plan: RunPlan = {
  schemaVersion: 1,
  blueprint: { id: 'ds-ia-crypto', version: 1, digest: D('b') },
  stages: [
    {
      id: 'build',
      name: 'Build',
      dependsOn: [],
      checks: [
        { id: 'unit_tests', type: 'UNIT_TESTS', required: true, timeoutSeconds: 600, maxRetries: 1, thresholds: { min_coverage: 0.8 } },
        { id: 'code_lint', type: 'CODE_LINT', required: false, timeoutSeconds: 60, maxRetries: 0, thresholds: {} },
      ],
    },
    {
      id: 'functional-tests',
      name: 'Functional tests',
      dependsOn: ['build'],
      checks: [{ id: 'functional', type: 'INTEGRATION_TESTS', required: true, timeoutSeconds: 300, maxRetries: 0, thresholds: {} }],
    },
    {
      id: 'load-test',
      name: 'Load test',
      dependsOn: ['functional-tests'],
      condition: { stage: 'functional-tests', status: 'PASSED' },
      checks: [
        { id: 'perf_test', type: 'LOAD_TEST', required: true, timeoutSeconds: 900, maxRetries: 0, thresholds: { max_latency_ms_p95: 250 } },
      ],
    },
    {
      id: 'diagnostics',
      name: 'Diagnostics',
      dependsOn: ['functional-tests'],
      condition: { stage: 'functional-tests', status: 'FAILED' },
      checks: [],
    },
  ],
  policies: [{ id: 'approval', language: 'cel', expression: 'all_required_checks_pass', digest: D('c') }],
  approval: { requiredRoles: ['release-manager'], quorumByEnvironment: { production: 2 }, defaultQuorum: 1 },
};

export const trigger: RunTrigger = {
  kind: 'commit',
  repository: 'git@example.org:ml/churn.git',
  ref: 'refs/heads/main',
  commit: 'a'.repeat(40),
};
export const inputs: RunInputs = {
  commit: 'a'.repeat(40),
  datasets: [{ id: 'curated/tx_2025', version: '2025-11-12' }],
  models: [{ name: 'churn', version: '2.3.1', digest: D('d') }],
  parameters: { branch: 'main' },
};

export const requestRun = (over: Partial<Extract<RunCommand, { type: 'RequestRun' }>> = {}): RunCommand => ({
  type: 'RequestRun',
  at: T0,
  actor: INITIATOR,
  runId: 'r1',
  projectId: 'p1',
  environment: 'production',
  plan,
  trigger,
  inputs,
  ...over,
});

export const requested: RunEvent = {
  type: 'RunRequested',
  data: { runId: 'r1', projectId: 'p1', environment: 'production', plan, trigger, inputs, initiator: INITIATOR, requestedAt: T0 },
};
export const queued: RunEvent = { type: 'RunQueued', data: { runId: 'r1', at: T0 } };

/** Events of a history written by the decider itself (for the "given" part of longer specs). */
export function history(...commands: RunCommand[]): RunEvent[] {
  const events: RunEvent[] = [];
  for (const c of commands) events.push(...pipelineRun.decide(c, events.reduce(pipelineRun.evolve, pipelineRun.initialState)));
  return events;
}

export const sys = { at: T0, actor: 'svc:orchestrator' };
export const pass: CheckReport = { outcome: 'PASS', metrics: { coverage: 0.91 }, findings: [], evidence: [D('e')] };
export const fail: CheckReport = { outcome: 'FAIL', metrics: {}, findings: [{ id: 'f1', severity: 'HIGH' }], evidence: [] };
