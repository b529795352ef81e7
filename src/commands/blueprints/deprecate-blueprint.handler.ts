import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { blueprintDecider, blueprintStream } from '../../domain/blueprint/blueprint.js';
import { BLUEPRINT_ID } from '../../domain/blueprint/types.js';
import { ValidationError } from '../../domain/errors.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { DeprecateBlueprintCommand } from './deprecate-blueprint.command.js';

@CommandHandler(DeprecateBlueprintCommand)
export class DeprecateBlueprintHandler implements ICommandHandler<DeprecateBlueprintCommand, { recorded: boolean }> {
  constructor(@Inject(LEDGER) private readonly ledger: Pick<Ledger, 'writer'>) {}

  async execute(c: DeprecateBlueprintCommand): Promise<{ recorded: boolean }> {
    if (!BLUEPRINT_ID.test(c.blueprintId)) {
      throw new ValidationError(
        'INVALID_BLUEPRINT_ID',
        `blueprint id "${c.blueprintId.slice(0, 64)}" is invalid: expected a lowercase id like ds-batch`,
        [{ path: 'blueprintId', message: 'expected [a-z][a-z0-9-]{1,63}' }],
      );
    }
    const r = await this.ledger.writer.execute(
      blueprintStream(c.blueprintId),
      blueprintDecider,
      { type: 'DeprecateBlueprintVersion', blueprintId: c.blueprintId, version: c.version, reason: c.reason, replacedBy: c.replacedBy },
      c.meta,
    );
    return { recorded: r.events.length > 0 };
  }
}
