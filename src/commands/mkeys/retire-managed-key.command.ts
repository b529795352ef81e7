import type { CommandMetadata } from '../../domain/decider.js';
import type { ManagedKeyCommand } from '../../domain/mkey/mkey.js';

export type RetireManagedKeyInput = Omit<Extract<ManagedKeyCommand, { type: 'RetireKey' }>, 'type' | 'at' | 'actor'>;

/** Retire a governed key. */
export class RetireManagedKeyCommand {
  constructor(
    readonly keyId: string,
    readonly input: RetireManagedKeyInput,
    readonly meta: CommandMetadata,
  ) {}
}
