import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { pipelineRun } from '../../domain/run/run.js';
import { runStream } from '../../domain/run/types.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { stamp, toResult, type CommandResult } from './command-result.js';
import { StartStageCommand } from './start-stage.command.js';

@CommandHandler(StartStageCommand)
export class StartStageHandler implements ICommandHandler<StartStageCommand, CommandResult> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  async execute(c: StartStageCommand): Promise<CommandResult> {
    const stream = runStream(c.runId);
    return toResult(
      stream,
      await this.ledger.writer.execute(stream, pipelineRun, { ...c.input, ...stamp(c.meta), type: 'StartStage' as const }, c.meta),
    );
  }
}
