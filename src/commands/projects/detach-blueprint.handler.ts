import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { projectDecider } from '../../domain/project/project.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { DetachBlueprintCommand } from './detach-blueprint.command.js';
import { projectStreamFor } from './project-stream.js';

@CommandHandler(DetachBlueprintCommand)
export class DetachBlueprintHandler implements ICommandHandler<DetachBlueprintCommand, { recorded: boolean }> {
  constructor(@Inject(LEDGER) private readonly ledger: Pick<Ledger, 'writer'>) {}

  async execute(c: DetachBlueprintCommand): Promise<{ recorded: boolean }> {
    const r = await this.ledger.writer.execute(
      projectStreamFor(c.projectId),
      projectDecider,
      { type: 'DetachBlueprint', environment: c.environment },
      c.meta,
    );
    return { recorded: r.events.length > 0 };
  }
}
