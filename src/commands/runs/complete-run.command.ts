import type { CommandMetadata } from '../../domain/decider.js';

/** End a run that awaited its decision, as the decision ended: the outcome is read from `decision-<runId>`. */
export class CompleteRunCommand {
  constructor(
    readonly runId: string,
    readonly meta: CommandMetadata,
  ) {}
}
