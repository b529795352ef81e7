import type { CommandMetadata } from '../../domain/decider.js';
import type { RunCommand } from '../../domain/run/types.js';

export type CancelRunInput = Omit<Extract<RunCommand, { type: 'CancelRun' }>, 'type' | 'at' | 'actor'>;

/** Cancel a run that has not ended. */
export class CancelRunCommand {
  constructor(
    readonly runId: string,
    readonly input: CancelRunInput,
    readonly meta: CommandMetadata,
  ) {}
}
