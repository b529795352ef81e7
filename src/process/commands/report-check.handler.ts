import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import type { CommandResult } from '../../commands/runs/command-result.js';
import { ReportCheckErrorCommand } from '../../commands/runs/report-check-error.command.js';
import { ReportCheckResultCommand } from '../../commands/runs/report-check-result.command.js';
import { StartCheckCommand } from '../../commands/runs/start-check.command.js';
import { NotFound } from '../../domain/errors.js';
import { pipelineRun } from '../../domain/run/run.js';
import { runStream } from '../../domain/run/types.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { readState } from '../../ledger/read-state.js';
import { ReportCheckCommand } from './report-check.command.js';

/**
 * A worker's report as the REST edge receives it: the attempt defaults to the check's current one
 * (read from the run), the worker is the caller (its pseudonymous id is the check's workerId, and
 * the run refuses a report from another worker than the one that started the attempt); then the
 * run's own StartCheck / ReportCheckResult / ReportCheckError command.
 */
@CommandHandler(ReportCheckCommand)
export class ReportCheckHandler implements ICommandHandler<ReportCheckCommand, CommandResult> {
  constructor(
    @Inject(LEDGER) private readonly ledger: Ledger,
    private readonly commands: CommandBus,
  ) {}

  async execute(c: ReportCheckCommand): Promise<CommandResult> {
    let attempt = c.attempt;
    if (attempt === undefined) {
      const { state } = await readState(this.ledger.store, runStream(c.runId), pipelineRun);
      if (state.status === 'NONE') throw new NotFound('RUN_NOT_FOUND', `run ${c.runId} does not exist`);
      attempt = state.checks.get(c.checkId)?.attempt ?? 1;
    }
    const base = { checkId: c.checkId, attempt, workerId: c.meta.actor.id };
    const r = c.report;
    const command =
      r.kind === 'start'
        ? new StartCheckCommand(c.runId, base, c.meta)
        : r.kind === 'result'
          ? new ReportCheckResultCommand(c.runId, { ...base, report: r.report }, c.meta)
          : new ReportCheckErrorCommand(c.runId, { ...base, error: r.error }, c.meta);
    return this.commands.execute<typeof command, CommandResult>(command);
  }
}
