import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { runDecision } from '../../domain/decision/decision.js';
import { decisionStream, type DecisionCommand } from '../../domain/decision/types.js';
import type { WriteResult } from '../../ledger/ledger-writer.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { DecideOnRunCommand } from './decide-on-run.command.js';

/** Separation of duties, roles and quorum are the Decision's (domain); the actor is the caller. */
@CommandHandler(DecideOnRunCommand)
export class DecideOnRunHandler implements ICommandHandler<DecideOnRunCommand, WriteResult> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  execute(c: DecideOnRunCommand): Promise<WriteResult> {
    const command = { ...c.decision, at: c.meta.occurredAt, actor: c.meta.actor.id } as DecisionCommand;
    return this.ledger.writer.execute(decisionStream(c.runId), runDecision, command, c.meta);
  }
}
