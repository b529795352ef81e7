import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { runDecision } from '../../domain/decision/decision.js';
import { decisionStream } from '../../domain/decision/types.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { stamp, toResult, type CommandResult } from '../runs/command-result.js';
import { GrantWaiverCommand } from './grant-waiver.command.js';

@CommandHandler(GrantWaiverCommand)
export class GrantWaiverHandler implements ICommandHandler<GrantWaiverCommand, CommandResult> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  async execute(c: GrantWaiverCommand): Promise<CommandResult> {
    const stream = decisionStream(c.runId);
    return toResult(
      stream,
      await this.ledger.writer.execute(stream, runDecision, { ...c.input, ...stamp(c.meta), type: 'GrantWaiver' as const }, c.meta),
    );
  }
}
