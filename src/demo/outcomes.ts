import type { CheckReport, RunTrigger } from '../domain/run/types.js';
import type { Random } from './random.js';
import type { Outcome } from './workers.js';

/** How a demo run goes: clean, or one realistic failure the policy must catch. */
export type Profile = 'pass' | 'low-coverage' | 'high-vulnerability' | 'failing-check' | 'waived-vulnerability';

/** Metrics a healthy worker reports, by check id (what the blueprints' conditions read). */
const GOOD_METRICS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  unit_tests: { coverage: 0.94, tests: 412 },
  data_profile: { null_rate: 0.002 },
  data_drift: { drift: 0.05 },
  model: { auc: 0.91 },
  fairness: { disparity: 0.04 },
  fairness_check: { disparity: 0.05 },
  load_test: { latency_ms_p95: 85 },
  perf_test: { latency_ms_p95: 180 },
  offline_metrics: { f1_score: 0.86 },
  input_drift: { z_score: 1.1 },
  output_sanity: { null_rate: 0.0001 },
};

const SCANNERS = new Set(['SAST', 'DAST']);

/** The reports of a run's workers under a profile; `failing` names the required check a failing-check run fails. */
export function outcomeFor(profile: Profile, failing: string | undefined, runId: string): Outcome {
  return (c) => {
    const metrics = { ...(GOOD_METRICS[c.id] ?? {}) };
    const report: { -readonly [K in keyof CheckReport]: CheckReport[K] } = { outcome: 'PASS', metrics, findings: [], evidence: [] };
    if (c.id === 'unit_tests' && profile === 'low-coverage') metrics['coverage'] = 0.7;
    if (SCANNERS.has(c.type) && (profile === 'high-vulnerability' || profile === 'waived-vulnerability')) {
      report.findings = [{ id: vulnerabilityId(runId), severity: 'HIGH', category: 'vulnerability', rule: 'sql-injection' }];
    }
    if (profile === 'failing-check' && c.id === failing) report.outcome = 'FAIL';
    return report;
  };
}

export function vulnerabilityId(runId: string): string {
  return `finding-${runId.slice(-8)}`;
}

/** A trigger of one of the RF03 kinds, with plausible details. */
export function triggerFor(rng: Random, projectId: string, i: number): RunTrigger {
  const repository = `https://git.example.com/${projectId}.git`;
  switch (rng.pick(['manual', 'commit', 'pull_request', 'dataset_version', 'schedule'] as const)) {
    case 'manual':
      return { kind: 'manual', reason: `release candidate ${i}` };
    case 'commit':
      return { kind: 'commit', repository, ref: 'refs/heads/main', commit: rng.hex(40) };
    case 'pull_request':
      return { kind: 'pull_request', repository, number: 100 + i, headCommit: rng.hex(40), baseRef: 'refs/heads/main' };
    case 'dataset_version':
      return { kind: 'dataset_version', dataset: `curated/${projectId}`, version: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}` };
    case 'schedule':
      return { kind: 'schedule', scheduleId: `${projectId}-nightly`, cron: '0 3 * * *', fireTime: new Date().toISOString() };
  }
}
