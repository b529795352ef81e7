import type { CommandMetadata } from '../../domain/decider.js';
import type { RunCommand } from '../../domain/run/types.js';

export type StartStageInput = Omit<Extract<RunCommand, { type: 'StartStage' }>, 'type' | 'at' | 'actor'>;

/** Start a stage whose dependencies and condition are met; its checks are scheduled with it. */
export class StartStageCommand {
  constructor(
    readonly runId: string,
    readonly input: StartStageInput,
    readonly meta: CommandMetadata,
  ) {}
}
