import type { CommandMetadata } from '../../domain/decider.js';
import type { DecisionCommand } from '../../domain/decision/types.js';

type Unstamped<T> = T extends unknown ? Omit<T, 'at' | 'actor'> : never;

/** A human act on a run's decision: approve, veto, grant or revoke a waiver. */
export type HumanDecision = Unstamped<
  Extract<DecisionCommand, { type: 'GrantApproval' | 'VetoDecision' | 'GrantWaiver' | 'RevokeWaiver' }>
>;

export class DecideOnRunCommand {
  constructor(
    readonly runId: string,
    readonly decision: HumanDecision,
    readonly meta: CommandMetadata,
  ) {}
}
