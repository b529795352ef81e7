import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { projectDecider } from '../../domain/project/project.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { blueprintFacts } from './blueprint-facts.js';
import { projectStreamFor } from './project-stream.js';
import { SetCryptoPipelineCommand } from './set-crypto-pipeline.command.js';

@CommandHandler(SetCryptoPipelineCommand)
export class SetCryptoPipelineHandler implements ICommandHandler<SetCryptoPipelineCommand, { recorded: boolean; digest: string }> {
  constructor(@Inject(LEDGER) private readonly ledger: Pick<Ledger, 'writer' | 'store'>) {}

  async execute(c: SetCryptoPipelineCommand): Promise<{ recorded: boolean; digest: string }> {
    const stream = projectStreamFor(c.projectId);
    const blueprint = await blueprintFacts(this.ledger.store, c.blueprintId, c.blueprintVersion);
    const r = await this.ledger.writer.execute(stream, projectDecider, { type: 'SetCryptoPipeline', blueprint }, c.meta);
    return { recorded: r.events.length > 0, digest: blueprint.digest };
  }
}
