import type { EventEnvelope } from 'ledger-verify';
import { waiverActive } from '../domain/decision/decision.js';
import type { DecisionState } from '../domain/decision/types.js';
import type { CheckResult, CheckStatus, PolicyInput, Waiver } from '../domain/policy/types.js';
import type { CheckReport, CheckState, RunState } from '../domain/run/types.js';

/**
 * What the policy engine sees of a run: every check of the plan with its outcome, and the
 * metrics, findings and evidence of its last recorded result; the decision's active waivers.
 */
export function policyInputOf(
  run: RunState,
  runEvents: readonly EventEnvelope[],
  decision: DecisionState,
  evaluatedAt: string,
): PolicyInput {
  const plan = run.plan;
  if (!plan) throw new Error('policyInputOf: the run has no plan');
  const reports = new Map<string, CheckReport>();
  for (const e of runEvents) {
    if (e.type === 'CheckResultRecorded') {
      const d = e.data as { checkId: string } & CheckReport;
      reports.set(d.checkId, d);
    }
  }
  const checks: CheckResult[] = plan.stages.flatMap((stage) =>
    stage.checks.map((c) => {
      const r = reports.get(c.id);
      return {
        id: c.id,
        type: c.type,
        required: c.required,
        status: statusOf(run.checks.get(c.id), run.stages.get(stage.id)),
        metrics: { ...(r?.metrics ?? {}) },
        findings: (r?.findings ?? []).map((f) => ({ ...f })),
        evidence: [...(r?.evidence ?? [])],
      };
    }),
  );
  const waivers: Waiver[] = [...decision.waivers]
    .filter(([, w]) => waiverActive(w, evaluatedAt))
    .map(([id, w]) => ({ id, target: w.target, grantedBy: w.grantedBy, reason: w.justification, expiresAt: w.expiresAt }));
  return {
    blueprintId: plan.blueprint.id,
    blueprintVersion: plan.blueprint.version,
    blueprintDigest: plan.blueprint.digest,
    environment: run.environment as string,
    evaluatedAt,
    checks,
    waivers,
  };
}

function statusOf(check: CheckState | undefined, stage: string | undefined): CheckStatus {
  switch (check?.status) {
    case 'PASS':
    case 'FAIL':
    case 'WARNING':
    case 'ERROR':
    case 'TIMED_OUT':
      return check.status;
    default:
      return stage === 'SKIPPED' ? 'SKIPPED' : 'MISSING';
  }
}
