import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { runDecision } from '../../domain/decision/decision.js';
import { decisionStream } from '../../domain/decision/types.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { stamp, toResult, type CommandResult } from '../runs/command-result.js';
import { ExpireWaiverCommand } from './expire-waiver.command.js';

@CommandHandler(ExpireWaiverCommand)
export class ExpireWaiverHandler implements ICommandHandler<ExpireWaiverCommand, CommandResult> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  async execute(c: ExpireWaiverCommand): Promise<CommandResult> {
    const stream = decisionStream(c.runId);
    return toResult(
      stream,
      await this.ledger.writer.execute(stream, runDecision, { ...c.input, ...stamp(c.meta), type: 'ExpireWaiver' as const }, c.meta),
    );
  }
}
