import type { CommandMetadata } from '../../domain/decider.js';
import type { RunCommand } from '../../domain/run/types.js';

export type ReportCheckResultInput = Omit<Extract<RunCommand, { type: 'ReportCheckResult' }>, 'type' | 'at' | 'actor'>;

/** A worker reports PASS, FAIL or WARNING with metrics, findings and evidence digests. */
export class ReportCheckResultCommand {
  constructor(
    readonly runId: string,
    readonly input: ReportCheckResultInput,
    readonly meta: CommandMetadata,
  ) {}
}
