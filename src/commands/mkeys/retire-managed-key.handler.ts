import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { managedKey, mkeyStream } from '../../domain/mkey/mkey.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { stamp, toResult, type CommandResult } from '../runs/command-result.js';
import { RetireManagedKeyCommand } from './retire-managed-key.command.js';

@CommandHandler(RetireManagedKeyCommand)
export class RetireManagedKeyHandler implements ICommandHandler<RetireManagedKeyCommand, CommandResult> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  async execute(c: RetireManagedKeyCommand): Promise<CommandResult> {
    const stream = mkeyStream(c.keyId);
    return toResult(
      stream,
      await this.ledger.writer.execute(stream, managedKey, { ...c.input, ...stamp(c.meta), type: 'RetireKey' as const }, c.meta),
    );
  }
}
