import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { modelRegistry, modelStream } from '../../domain/model/model.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import type { WriteResult } from '../../ledger/ledger-writer.js';
import { RevokeModelVersionCommand } from './revoke-model-version.command.js';

@CommandHandler(RevokeModelVersionCommand)
export class RevokeModelVersionHandler implements ICommandHandler<RevokeModelVersionCommand, WriteResult> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  execute({ model, input, meta }: RevokeModelVersionCommand): Promise<WriteResult> {
    return this.ledger.writer.execute(modelStream(model), modelRegistry, { type: 'RevokeModelVersion', ...input }, meta);
  }
}
