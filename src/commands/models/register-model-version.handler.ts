import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { modelRegistry, modelStream } from '../../domain/model/model.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import type { WriteResult } from '../../ledger/ledger-writer.js';
import { RegisterModelVersionCommand } from './register-model-version.command.js';

@CommandHandler(RegisterModelVersionCommand)
export class RegisterModelVersionHandler implements ICommandHandler<RegisterModelVersionCommand, WriteResult> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  execute({ model, input, meta }: RegisterModelVersionCommand): Promise<WriteResult> {
    return this.ledger.writer.execute(modelStream(model), modelRegistry, { type: 'RegisterModelVersion', ...input }, meta);
  }
}
