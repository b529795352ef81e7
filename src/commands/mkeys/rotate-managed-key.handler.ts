import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { managedKey, mkeyStream } from '../../domain/mkey/mkey.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { stamp, toResult, type CommandResult } from '../runs/command-result.js';
import { RotateManagedKeyCommand } from './rotate-managed-key.command.js';

@CommandHandler(RotateManagedKeyCommand)
export class RotateManagedKeyHandler implements ICommandHandler<RotateManagedKeyCommand, CommandResult> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  async execute(c: RotateManagedKeyCommand): Promise<CommandResult> {
    const stream = mkeyStream(c.keyId);
    return toResult(
      stream,
      await this.ledger.writer.execute(stream, managedKey, { ...c.input, ...stamp(c.meta), type: 'RotateKey' as const }, c.meta),
    );
  }
}
