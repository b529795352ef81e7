import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { projectDecider } from '../../domain/project/project.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { ArchiveProjectCommand } from './archive-project.command.js';
import { projectStreamFor } from './project-stream.js';

@CommandHandler(ArchiveProjectCommand)
export class ArchiveProjectHandler implements ICommandHandler<ArchiveProjectCommand, { recorded: boolean }> {
  constructor(@Inject(LEDGER) private readonly ledger: Pick<Ledger, 'writer'>) {}

  async execute(c: ArchiveProjectCommand): Promise<{ recorded: boolean }> {
    const r = await this.ledger.writer.execute(
      projectStreamFor(c.projectId),
      projectDecider,
      { type: 'ArchiveProject', reason: c.reason },
      c.meta,
    );
    return { recorded: r.events.length > 0 };
  }
}
