import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { NotFound } from '../../domain/errors.js';
import { pipelineRun } from '../../domain/run/run.js';
import { runStream, type RunCommand } from '../../domain/run/types.js';
import type { WriteResult } from '../../ledger/ledger-writer.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { readState } from '../../ledger/read-state.js';
import { ReportCheckCommand } from './report-check.command.js';

/** The worker is the caller: its pseudonymous id is the check's workerId (the run records who started it). */
@CommandHandler(ReportCheckCommand)
export class ReportCheckHandler implements ICommandHandler<ReportCheckCommand, WriteResult> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  async execute(c: ReportCheckCommand): Promise<WriteResult> {
    const stream = runStream(c.runId);
    let attempt = c.attempt;
    if (attempt === undefined) {
      const { state } = await readState(this.ledger.store, stream, pipelineRun);
      const check = state.checks.get(c.checkId);
      if (state.status === 'NONE') throw new NotFound('RUN_NOT_FOUND', `run ${c.runId} does not exist`);
      attempt = check?.attempt ?? 1;
    }
    const base = { at: c.meta.occurredAt, actor: c.meta.actor.id, checkId: c.checkId, attempt, workerId: c.meta.actor.id };
    const r = c.report;
    const command: RunCommand =
      r.kind === 'start'
        ? { ...base, type: 'StartCheck' }
        : r.kind === 'result'
          ? { ...base, type: 'ReportCheckResult', report: r.report }
          : { ...base, type: 'ReportCheckError', error: r.error };
    return this.ledger.writer.execute(stream, pipelineRun, command, c.meta);
  }
}
