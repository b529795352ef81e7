import type { CommandMetadata } from '../../domain/decider.js';
import type { ModelCommand } from '../../domain/model/model.js';

export class ApproveModelForStageCommand {
  constructor(
    readonly model: string,
    readonly input: Omit<Extract<ModelCommand, { type: 'ApproveModelForStage' }>, 'type'>,
    readonly meta: CommandMetadata,
  ) {}
}
