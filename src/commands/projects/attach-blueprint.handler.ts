import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { projectDecider } from '../../domain/project/project.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { AttachBlueprintCommand } from './attach-blueprint.command.js';
import { blueprintFacts } from './blueprint-facts.js';
import { projectStreamFor } from './project-stream.js';

@CommandHandler(AttachBlueprintCommand)
export class AttachBlueprintHandler implements ICommandHandler<AttachBlueprintCommand, { recorded: boolean; digest: string }> {
  constructor(@Inject(LEDGER) private readonly ledger: Pick<Ledger, 'writer' | 'store'>) {}

  async execute(c: AttachBlueprintCommand): Promise<{ recorded: boolean; digest: string }> {
    const stream = projectStreamFor(c.projectId);
    const blueprint = await blueprintFacts(this.ledger.store, c.blueprintId, c.blueprintVersion);
    const r = await this.ledger.writer.execute(
      stream,
      projectDecider,
      { type: 'AttachBlueprint', environment: c.environment, blueprint },
      c.meta,
    );
    return { recorded: r.events.length > 0, digest: blueprint.digest };
  }
}
