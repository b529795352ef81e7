import type { CommandMetadata } from '../../domain/decider.js';
import type { ManagedKeyCommand } from '../../domain/mkey/mkey.js';

export type ReportKeyCompromiseInput = Omit<Extract<ManagedKeyCommand, { type: 'ReportKeyCompromise' }>, 'type' | 'at' | 'actor'>;

/** Report a governed key version as compromised since a given time. */
export class ReportKeyCompromiseCommand {
  constructor(
    readonly keyId: string,
    readonly input: ReportKeyCompromiseInput,
    readonly meta: CommandMetadata,
  ) {}
}
