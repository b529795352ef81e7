import type { RunState } from './types.js';

/** A check as the policy engine reads it (structurally domain-a's `CheckResult`). */
export interface PolicyCheck {
  readonly id: string;
  readonly type: string;
  readonly required: boolean;
  readonly status: 'PASS' | 'FAIL' | 'WARNING' | 'ERROR' | 'SKIPPED' | 'TIMED_OUT' | 'MISSING';
  readonly metrics: { readonly [name: string]: number };
  readonly findings: readonly {
    readonly id: string;
    readonly severity: string;
    readonly category?: string;
    readonly rule?: string;
    readonly message?: string;
  }[];
  readonly evidence: readonly string[];
}

/**
 * The run's checks in plan order, as policy input: a recorded result as reported; an error or a
 * timeout after the last retry as ERROR / TIMED_OUT; a check of a skipped stage as SKIPPED; any
 * other (never scheduled, still running) as MISSING. Pure.
 */
export function policyChecks(state: RunState): PolicyCheck[] {
  if (!state.plan) return [];
  return state.plan.stages.flatMap((stage) =>
    stage.checks.map((c): PolicyCheck => {
      const s = state.checks.get(c.id);
      const base = { id: c.id, type: c.type, required: c.required, metrics: {}, findings: [], evidence: [] };
      if (s?.report)
        return { ...base, status: s.report.outcome, metrics: s.report.metrics, findings: s.report.findings, evidence: s.report.evidence };
      if (s?.status === 'ERROR' || s?.status === 'TIMED_OUT') return { ...base, status: s.status };
      if (state.stages.get(stage.id) === 'SKIPPED') return { ...base, status: 'SKIPPED' };
      return { ...base, status: 'MISSING' };
    }),
  );
}
