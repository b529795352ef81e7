import type { CommandMetadata } from '../../domain/decider.js';
import type { RunCommand } from '../../domain/run/types.js';

export type StartCheckInput = Omit<Extract<RunCommand, { type: 'StartCheck' }>, 'type' | 'at' | 'actor'>;

/** A worker starts an attempt of a scheduled check. */
export class StartCheckCommand {
  constructor(
    readonly runId: string,
    readonly input: StartCheckInput,
    readonly meta: CommandMetadata,
  ) {}
}
