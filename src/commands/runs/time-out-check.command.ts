import type { CommandMetadata } from '../../domain/decider.js';
import type { RunCommand } from '../../domain/run/types.js';

export type TimeOutCheckInput = Omit<Extract<RunCommand, { type: 'TimeOutCheck' }>, 'type' | 'at' | 'actor'>;

/** Time out an overdue check (see nextSteps); a retry is scheduled if the plan allows. */
export class TimeOutCheckCommand {
  constructor(
    readonly runId: string,
    readonly input: TimeOutCheckInput,
    readonly meta: CommandMetadata,
  ) {}
}
