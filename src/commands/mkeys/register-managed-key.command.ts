import type { CommandMetadata } from '../../domain/decider.js';
import type { ManagedKeyCommand } from '../../domain/mkey/mkey.js';

export type RegisterManagedKeyInput = Omit<Extract<ManagedKeyCommand, { type: 'RegisterKey' }>, 'type' | 'at' | 'actor'>;

/** Register a project's governed key by KMS reference (never key material). */
export class RegisterManagedKeyCommand {
  constructor(
    readonly input: RegisterManagedKeyInput,
    readonly meta: CommandMetadata,
  ) {}
}
