import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { modelRegistry, modelStream } from '../../domain/model/model.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import type { WriteResult } from '../../ledger/ledger-writer.js';
import { ApproveModelForStageCommand } from './approve-model-for-stage.command.js';

@CommandHandler(ApproveModelForStageCommand)
export class ApproveModelForStageHandler implements ICommandHandler<ApproveModelForStageCommand, WriteResult> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  execute({ model, input, meta }: ApproveModelForStageCommand): Promise<WriteResult> {
    return this.ledger.writer.execute(modelStream(model), modelRegistry, { type: 'ApproveModelForStage', ...input }, meta);
  }
}
