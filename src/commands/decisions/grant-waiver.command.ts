import type { CommandMetadata } from '../../domain/decider.js';
import type { DecisionCommand } from '../../domain/decision/types.js';

export type GrantWaiverInput = Omit<Extract<DecisionCommand, { type: 'GrantWaiver' }>, 'type' | 'at' | 'actor'>;

/** Waive a check, finding or condition until an expiry, with a justification. */
export class GrantWaiverCommand {
  constructor(
    readonly runId: string,
    readonly input: GrantWaiverInput,
    readonly meta: CommandMetadata,
  ) {}
}
