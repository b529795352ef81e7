import type { CommandMetadata } from '../../domain/decider.js';
import type { DecisionCommand } from '../../domain/decision/types.js';

export type GrantApprovalInput = Omit<Extract<DecisionCommand, { type: 'GrantApproval' }>, 'type' | 'at' | 'actor'>;

/** Approve a run under a role of its plan (never its own initiator). */
export class GrantApprovalCommand {
  constructor(
    readonly runId: string,
    readonly input: GrantApprovalInput,
    readonly meta: CommandMetadata,
  ) {}
}
