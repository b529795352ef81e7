import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { projectDecider } from '../../domain/project/project.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { CreateProjectCommand } from './create-project.command.js';
import { projectStreamFor } from './project-stream.js';

@CommandHandler(CreateProjectCommand)
export class CreateProjectHandler implements ICommandHandler<CreateProjectCommand, { recorded: boolean }> {
  constructor(@Inject(LEDGER) private readonly ledger: Pick<Ledger, 'writer'>) {}

  async execute(c: CreateProjectCommand): Promise<{ recorded: boolean }> {
    const r = await this.ledger.writer.execute(
      projectStreamFor(c.projectId),
      projectDecider,
      {
        type: 'CreateProject',
        projectId: c.projectId,
        name: c.name,
        projectType: c.projectType,
        repository: c.repository,
        ownerId: c.ownerId,
      },
      c.meta,
    );
    return { recorded: r.events.length > 0 };
  }
}
