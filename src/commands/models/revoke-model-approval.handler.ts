import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { modelRegistry, modelStream } from '../../domain/model/model.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import type { WriteResult } from '../../ledger/ledger-writer.js';
import { RevokeModelApprovalCommand } from './revoke-model-approval.command.js';

@CommandHandler(RevokeModelApprovalCommand)
export class RevokeModelApprovalHandler implements ICommandHandler<RevokeModelApprovalCommand, WriteResult> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  execute({ model, input, meta }: RevokeModelApprovalCommand): Promise<WriteResult> {
    return this.ledger.writer.execute(modelStream(model), modelRegistry, { type: 'RevokeModelApproval', ...input }, meta);
  }
}
