import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { runDecision } from '../../domain/decision/decision.js';
import { decisionStream } from '../../domain/decision/types.js';
import { IllegalState } from '../../domain/errors.js';
import { pipelineRun } from '../../domain/run/run.js';
import { runStream } from '../../domain/run/types.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { stamp, toResult, type CommandResult } from './command-result.js';
import { CompleteRunCommand } from './complete-run.command.js';
import { foldStream } from './load-stream.js';

@CommandHandler(CompleteRunCommand)
export class CompleteRunHandler implements ICommandHandler<CompleteRunCommand, CommandResult> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  async execute(c: CompleteRunCommand): Promise<CommandResult> {
    const { events } = await foldStream(this.ledger.store, decisionStream(c.runId), runDecision);
    const final = events.find((e) => e.type === 'DecisionApproved' || e.type === 'DecisionRejected');
    if (!final || (final.type !== 'DecisionApproved' && final.type !== 'DecisionRejected')) {
      throw new IllegalState('DECISION_PENDING', `the decision on run ${c.runId} is not final yet: approve, veto or close it first`);
    }
    const stream = runStream(c.runId);
    const command = {
      type: 'CompleteRun' as const,
      outcome: final.type === 'DecisionApproved' ? ('APPROVED' as const) : ('REJECTED' as const),
      reasons: final.data.reasons,
      ...stamp(c.meta),
    };
    return toResult(stream, await this.ledger.writer.execute(stream, pipelineRun, command, c.meta));
  }
}
