import type { CommandMetadata } from '../../domain/decider.js';
import type { ModelCommand } from '../../domain/model/model.js';

export class RevokeModelVersionCommand {
  constructor(
    readonly model: string,
    readonly input: Omit<Extract<ModelCommand, { type: 'RevokeModelVersion' }>, 'type'>,
    readonly meta: CommandMetadata,
  ) {}
}
