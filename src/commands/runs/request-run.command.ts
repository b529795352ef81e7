import type { CommandMetadata } from '../../domain/decider.js';
import type { RunCommand } from '../../domain/run/types.js';

export type RequestRunInput = Omit<Extract<RunCommand, { type: 'RequestRun' }>, 'type' | 'at' | 'actor'>;

/** Request a pipeline run: the plan, trigger and pinned inputs are recorded whole. */
export class RequestRunCommand {
  constructor(
    readonly input: RequestRunInput,
    readonly meta: CommandMetadata,
  ) {}
}
