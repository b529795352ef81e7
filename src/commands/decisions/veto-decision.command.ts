import type { CommandMetadata } from '../../domain/decider.js';
import type { DecisionCommand } from '../../domain/decision/types.js';

export type VetoDecisionInput = Omit<Extract<DecisionCommand, { type: 'VetoDecision' }>, 'type' | 'at' | 'actor'>;

/** Veto a run: a final rejection. */
export class VetoDecisionCommand {
  constructor(
    readonly runId: string,
    readonly input: VetoDecisionInput,
    readonly meta: CommandMetadata,
  ) {}
}
