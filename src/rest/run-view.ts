import { Inject, Injectable } from '@nestjs/common';
import type { EventEnvelope } from 'ledger-verify';
import { LEDGER } from '../app/tokens.js';
import { runDecision } from '../domain/decision/decision.js';
import { decisionStream, type DecisionEvent } from '../domain/decision/types.js';
import { pipelineRun } from '../domain/run/run.js';
import { runStream, type RunEvent } from '../domain/run/types.js';
import type { Ledger } from '../ledger/open-ledger.js';

/**
 * `GET /runs/{runId}`: the run and its decision as they are in their streams now (the state
 * query of seed 000 RF06; dashboards and auditors read the projections and GraphQL instead).
 */
@Injectable()
export class RunView {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  async of(runId: string): Promise<object> {
    const runEvents = (await this.ledger.store.readStream(runStream(runId))).map((r) => JSON.parse(r.data) as EventEnvelope);
    const run = runEvents.reduce((s, e) => pipelineRun.evolve(s, { type: e.type, data: e.data } as RunEvent), pipelineRun.initialState);
    const decisionEvents = (await this.ledger.store.readStream(decisionStream(runId))).map((r) => JSON.parse(r.data) as EventEnvelope);
    const decision = decisionEvents.reduce(
      (s, e) => runDecision.evolve(s, { type: e.type, data: e.data } as DecisionEvent),
      runDecision.initialState,
    );
    const evaluation = decisionEvents.filter((e) => e.type === 'PolicyEvaluated').at(-1)?.data as
      { verdict: string; explanation: unknown; policyDigest: string; evaluatedAt: string } | undefined;
    const closing = decisionEvents.find((e) => e.type === 'DecisionApproved' || e.type === 'DecisionRejected')?.data as
      { reasons: string[] } | undefined;
    const ending = runEvents.find((e) => ['RunSucceeded', 'RunFailed', 'RunCancelled'].includes(e.type))?.data as
      { reasons?: string[]; reason?: string } | undefined;
    return {
      pipeline_run_id: runId,
      project_id: run.projectId ?? null,
      environment: run.environment ?? null,
      status: run.status,
      initiator: run.initiator ?? null,
      trigger: run.trigger ?? null,
      blueprint: run.plan?.blueprint ?? null,
      reasons: ending?.reasons ?? (ending?.reason !== undefined ? [ending.reason] : []),
      stages: Object.fromEntries(run.stages),
      checks: Object.fromEntries(
        [...run.checks].map(([id, c]) => [
          id,
          { stage: c.stageId, status: c.status, attempt: c.attempt, worker: c.workerId ?? null, deadline: c.deadline ?? null },
        ]),
      ),
      decision: {
        status: decision.status,
        quorum: decision.quorum,
        approvals: [...decision.approvals].map(([approver, role]) => ({ approver, role })),
        waivers: [...decision.waivers].map(([id, w]) => ({ id, target: w.target, status: w.status, expires_at: w.expiresAt })),
        evaluation: evaluation
          ? {
              verdict: evaluation.verdict,
              policy_digest: evaluation.policyDigest,
              evaluated_at: evaluation.evaluatedAt,
              explanation: evaluation.explanation,
            }
          : null,
        reasons: closing?.reasons ?? [],
      },
    };
  }
}
