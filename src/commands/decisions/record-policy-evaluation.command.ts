import type { CommandMetadata } from '../../domain/decider.js';
import type { DecisionCommand } from '../../domain/decision/types.js';

export type RecordPolicyEvaluationInput = Omit<Extract<DecisionCommand, { type: 'RecordPolicyEvaluation' }>, 'type' | 'at' | 'actor'>;

/** Record the policy engine's verdict and explanation on a run's decision. */
export class RecordPolicyEvaluationCommand {
  constructor(
    readonly runId: string,
    readonly input: RecordPolicyEvaluationInput,
    readonly meta: CommandMetadata,
  ) {}
}
