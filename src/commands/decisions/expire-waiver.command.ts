import type { CommandMetadata } from '../../domain/decider.js';
import type { DecisionCommand } from '../../domain/decision/types.js';

export type ExpireWaiverInput = Omit<Extract<DecisionCommand, { type: 'ExpireWaiver' }>, 'type' | 'at' | 'actor'>;

/** Record that a waiver reached its expiry. */
export class ExpireWaiverCommand {
  constructor(
    readonly runId: string,
    readonly input: ExpireWaiverInput,
    readonly meta: CommandMetadata,
  ) {}
}
