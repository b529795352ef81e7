import type { CommandMetadata } from '../../domain/decider.js';
import type { RunCommand } from '../../domain/run/types.js';

export type QueueRunInput = Omit<Extract<RunCommand, { type: 'QueueRun' }>, 'type' | 'at' | 'actor'>;

/** Queue a requested run. */
export class QueueRunCommand {
  constructor(
    readonly runId: string,
    readonly input: QueueRunInput,
    readonly meta: CommandMetadata,
  ) {}
}
