import type { CommandMetadata } from '../../domain/decider.js';
import type { RunCommand } from '../../domain/run/types.js';

export type ReportCheckErrorInput = Omit<Extract<RunCommand, { type: 'ReportCheckError' }>, 'type' | 'at' | 'actor'>;

/** A worker reports that a check could not run; a retry is scheduled if the plan allows. */
export class ReportCheckErrorCommand {
  constructor(
    readonly runId: string,
    readonly input: ReportCheckErrorInput,
    readonly meta: CommandMetadata,
  ) {}
}
