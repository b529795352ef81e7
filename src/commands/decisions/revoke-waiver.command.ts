import type { CommandMetadata } from '../../domain/decider.js';
import type { DecisionCommand } from '../../domain/decision/types.js';

export type RevokeWaiverInput = Omit<Extract<DecisionCommand, { type: 'RevokeWaiver' }>, 'type' | 'at' | 'actor'>;

/** Revoke an active waiver. */
export class RevokeWaiverCommand {
  constructor(
    readonly runId: string,
    readonly input: RevokeWaiverInput,
    readonly meta: CommandMetadata,
  ) {}
}
