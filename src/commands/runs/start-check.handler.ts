import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { pipelineRun } from '../../domain/run/run.js';
import { runStream } from '../../domain/run/types.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { stamp, toResult, type CommandResult } from './command-result.js';
import { StartCheckCommand } from './start-check.command.js';

@CommandHandler(StartCheckCommand)
export class StartCheckHandler implements ICommandHandler<StartCheckCommand, CommandResult> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  async execute(c: StartCheckCommand): Promise<CommandResult> {
    const stream = runStream(c.runId);
    return toResult(
      stream,
      await this.ledger.writer.execute(stream, pipelineRun, { ...c.input, ...stamp(c.meta), type: 'StartCheck' as const }, c.meta),
    );
  }
}
