import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { pipelineRun } from '../../domain/run/run.js';
import { runStream } from '../../domain/run/types.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { stamp, toResult, type CommandResult } from './command-result.js';
import { RequestRunCommand } from './request-run.command.js';

@CommandHandler(RequestRunCommand)
export class RequestRunHandler implements ICommandHandler<RequestRunCommand, CommandResult> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  async execute(c: RequestRunCommand): Promise<CommandResult> {
    const stream = runStream(c.input.runId);
    return toResult(
      stream,
      await this.ledger.writer.execute(stream, pipelineRun, { ...c.input, ...stamp(c.meta), type: 'RequestRun' as const }, c.meta),
    );
  }
}
