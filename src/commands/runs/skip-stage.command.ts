import type { CommandMetadata } from '../../domain/decider.js';
import type { RunCommand } from '../../domain/run/types.js';

export type SkipStageInput = Omit<Extract<RunCommand, { type: 'SkipStage' }>, 'type' | 'at' | 'actor'>;

/** Skip a stage whose condition is unmet or whose dependency did not pass. */
export class SkipStageCommand {
  constructor(
    readonly runId: string,
    readonly input: SkipStageInput,
    readonly meta: CommandMetadata,
  ) {}
}
