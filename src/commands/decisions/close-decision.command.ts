import type { CommandMetadata } from '../../domain/decider.js';
import type { DecisionCommand } from '../../domain/decision/types.js';

export type CloseDecisionInput = Omit<Extract<DecisionCommand, { type: 'CloseDecision' }>, 'type' | 'at' | 'actor'>;

/** Close a pending decision: APPROVED if policy and approvals allow it, REJECTED with reasons otherwise. */
export class CloseDecisionCommand {
  constructor(
    readonly runId: string,
    readonly input: CloseDecisionInput,
    readonly meta: CommandMetadata,
  ) {}
}
