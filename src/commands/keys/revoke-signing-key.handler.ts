import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { RevokeSigningKeyCommand } from './revoke-signing-key.command.js';

@CommandHandler(RevokeSigningKeyCommand)
export class RevokeSigningKeyHandler implements ICommandHandler<RevokeSigningKeyCommand, void> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  execute(c: RevokeSigningKeyCommand): Promise<void> {
    return this.ledger.keyRing.revoke(c.kid, c.reason, c.compromisedSince, c.meta);
  }
}
