import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { runDecision } from '../../domain/decision/decision.js';
import { decisionStream } from '../../domain/decision/types.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { stamp, toResult, type CommandResult } from '../runs/command-result.js';
import { CloseDecisionCommand } from './close-decision.command.js';

@CommandHandler(CloseDecisionCommand)
export class CloseDecisionHandler implements ICommandHandler<CloseDecisionCommand, CommandResult> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  async execute(c: CloseDecisionCommand): Promise<CommandResult> {
    const stream = decisionStream(c.runId);
    return toResult(
      stream,
      await this.ledger.writer.execute(stream, runDecision, { ...c.input, ...stamp(c.meta), type: 'CloseDecision' as const }, c.meta),
    );
  }
}
