import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { runDecision } from '../../domain/decision/decision.js';
import { decisionStream } from '../../domain/decision/types.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { stamp, toResult, type CommandResult } from '../runs/command-result.js';
import { VetoDecisionCommand } from './veto-decision.command.js';

@CommandHandler(VetoDecisionCommand)
export class VetoDecisionHandler implements ICommandHandler<VetoDecisionCommand, CommandResult> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  async execute(c: VetoDecisionCommand): Promise<CommandResult> {
    const stream = decisionStream(c.runId);
    return toResult(
      stream,
      await this.ledger.writer.execute(stream, runDecision, { ...c.input, ...stamp(c.meta), type: 'VetoDecision' as const }, c.meta),
    );
  }
}
