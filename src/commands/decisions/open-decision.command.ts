import type { CommandMetadata } from '../../domain/decider.js';

/**
 * Open the decision on a run that awaits it. The initiator, environment, approval rules and
 * blueprint digest are read from the run's own stream, never taken from the caller.
 */
export class OpenDecisionCommand {
  constructor(
    readonly runId: string,
    readonly meta: CommandMetadata,
  ) {}
}
