import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { runDecision } from '../../domain/decision/decision.js';
import { decisionStream } from '../../domain/decision/types.js';
import { IllegalState, NotFound } from '../../domain/errors.js';
import { pipelineRun } from '../../domain/run/run.js';
import { runStream } from '../../domain/run/types.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { stamp, toResult, type CommandResult } from '../runs/command-result.js';
import { foldStream } from '../runs/load-stream.js';
import { OpenDecisionCommand } from './open-decision.command.js';

@CommandHandler(OpenDecisionCommand)
export class OpenDecisionHandler implements ICommandHandler<OpenDecisionCommand, CommandResult> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  async execute(c: OpenDecisionCommand): Promise<CommandResult> {
    const { state: run } = await foldStream(this.ledger.store, runStream(c.runId), pipelineRun);
    if (run.status === 'NONE' || !run.plan) throw new NotFound('RUN_NOT_FOUND', `run ${c.runId} was never requested`);
    if (run.status !== 'AWAITING_DECISION') {
      throw new IllegalState('RUN_NOT_AWAITING_DECISION', `run ${c.runId} is ${run.status}: a decision opens once every stage has ended`);
    }
    const stream = decisionStream(c.runId);
    const command = {
      type: 'OpenDecision' as const,
      runId: c.runId,
      projectId: run.projectId as string,
      environment: run.environment as string,
      initiator: run.initiator as string,
      approval: run.plan.approval,
      blueprintDigest: run.plan.blueprint.digest,
      ...stamp(c.meta),
    };
    return toResult(stream, await this.ledger.writer.execute(stream, runDecision, command, c.meta));
  }
}
