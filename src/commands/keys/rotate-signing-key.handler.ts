import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { RotateSigningKeyCommand } from './rotate-signing-key.command.js';

@CommandHandler(RotateSigningKeyCommand)
export class RotateSigningKeyHandler implements ICommandHandler<RotateSigningKeyCommand, { previousKid: string; kid: string }> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  execute(command: RotateSigningKeyCommand): Promise<{ previousKid: string; kid: string }> {
    return this.ledger.keyRing.rotate(command.meta);
  }
}
