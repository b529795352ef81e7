import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { assertBlueprintShape } from '../../blueprints/schema.js';
import { blueprintDecider, blueprintStream } from '../../domain/blueprint/blueprint.js';
import { contentDigest } from '../../domain/digest.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { RegisterBlueprintCommand, type RegisterBlueprintResult } from './register-blueprint.command.js';

@CommandHandler(RegisterBlueprintCommand)
export class RegisterBlueprintHandler implements ICommandHandler<RegisterBlueprintCommand, RegisterBlueprintResult> {
  constructor(@Inject(LEDGER) private readonly ledger: Pick<Ledger, 'writer'>) {}

  async execute({ definition, meta }: RegisterBlueprintCommand): Promise<RegisterBlueprintResult> {
    assertBlueprintShape(definition);
    const r = await this.ledger.writer.execute(
      blueprintStream(definition.id),
      blueprintDecider,
      { type: 'RegisterBlueprintVersion', definition },
      meta,
    );
    return {
      blueprintId: definition.id,
      version: definition.version,
      digest: contentDigest(definition, 'blueprint'),
      recorded: r.events.length > 0,
    };
  }
}
