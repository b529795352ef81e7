import type { CommandMetadata } from '../domain/decider.js';
import { pipelineRun } from '../domain/run/run.js';
import { runStream, type CheckReport, type RunState } from '../domain/run/types.js';
import type { Ledger } from '../ledger/open-ledger.js';
import { readState } from '../ledger/read-state.js';
import { ReportCheckCommand } from '../process/commands/report-check.command.js';

export type Execute = <T>(command: object) => Promise<T>;

/** What a simulated worker reports for one check (or `undefined`: it stays silent, the check will time out). */
export type Outcome = (check: { readonly id: string; readonly type: string; readonly stageId: string }) => CheckReport | undefined;

/**
 * Simulated quality workers (seed 000 §9.1), in process: every check of the run that is scheduled
 * now gets the report `outcome` gives, through the same ReportCheck command the REST route uses.
 * Returns the run's state after the round and how many checks were reported.
 */
export async function reportScheduled(
  ledger: Ledger,
  execute: Execute,
  runId: string,
  worker: string,
  outcome: Outcome,
  meta: (step: string) => CommandMetadata,
): Promise<{ state: RunState; reported: number }> {
  const { state } = await readState(ledger.store, runStream(runId), pipelineRun);
  let reported = 0;
  for (const stage of state.plan?.stages ?? []) {
    for (const c of stage.checks) {
      const s = state.checks.get(c.id);
      if (s?.status !== 'SCHEDULED') continue;
      const report = outcome({ id: c.id, type: c.type, stageId: stage.id });
      if (!report) continue;
      const m = meta(`${runId}/${c.id}/${s.attempt}`);
      await execute(
        new ReportCheckCommand(runId, c.id, s.attempt, { kind: 'result', report }, { ...m, actor: { id: worker, kind: 'worker' } }),
      );
      reported++;
    }
  }
  return { state, reported };
}
