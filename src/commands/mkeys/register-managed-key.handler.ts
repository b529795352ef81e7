import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { managedKey, mkeyStream } from '../../domain/mkey/mkey.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { stamp, toResult, type CommandResult } from '../runs/command-result.js';
import { RegisterManagedKeyCommand } from './register-managed-key.command.js';

@CommandHandler(RegisterManagedKeyCommand)
export class RegisterManagedKeyHandler implements ICommandHandler<RegisterManagedKeyCommand, CommandResult> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  async execute(c: RegisterManagedKeyCommand): Promise<CommandResult> {
    const stream = mkeyStream(c.input.keyId);
    return toResult(
      stream,
      await this.ledger.writer.execute(stream, managedKey, { ...c.input, ...stamp(c.meta), type: 'RegisterKey' as const }, c.meta),
    );
  }
}
