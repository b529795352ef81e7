import type { CommandMetadata } from '../../domain/decider.js';
import type { ModelCommand } from '../../domain/model/model.js';

export class RevokeModelApprovalCommand {
  constructor(
    readonly model: string,
    readonly input: Omit<Extract<ModelCommand, { type: 'RevokeModelApproval' }>, 'type'>,
    readonly meta: CommandMetadata,
  ) {}
}
