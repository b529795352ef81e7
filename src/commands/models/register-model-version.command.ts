import type { CommandMetadata } from '../../domain/decider.js';
import type { ModelCommand } from '../../domain/model/model.js';

export class RegisterModelVersionCommand {
  constructor(
    readonly model: string,
    readonly input: Omit<Extract<ModelCommand, { type: 'RegisterModelVersion' }>, 'type'>,
    readonly meta: CommandMetadata,
  ) {}
}
