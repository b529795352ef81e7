import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { managedKey, mkeyStream } from '../../domain/mkey/mkey.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { stamp, toResult, type CommandResult } from '../runs/command-result.js';
import { ReportKeyCompromiseCommand } from './report-key-compromise.command.js';

@CommandHandler(ReportKeyCompromiseCommand)
export class ReportKeyCompromiseHandler implements ICommandHandler<ReportKeyCompromiseCommand, CommandResult> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  async execute(c: ReportKeyCompromiseCommand): Promise<CommandResult> {
    const stream = mkeyStream(c.keyId);
    return toResult(
      stream,
      await this.ledger.writer.execute(stream, managedKey, { ...c.input, ...stamp(c.meta), type: 'ReportKeyCompromise' as const }, c.meta),
    );
  }
}
