import type { CommandMetadata } from '../../domain/decider.js';
import type { ManagedKeyCommand } from '../../domain/mkey/mkey.js';

export type RotateManagedKeyInput = Omit<Extract<ManagedKeyCommand, { type: 'RotateKey' }>, 'type' | 'at' | 'actor'>;

/** Rotate a governed key; the event triggers the project's crypto pipeline. */
export class RotateManagedKeyCommand {
  constructor(
    readonly keyId: string,
    readonly input: RotateManagedKeyInput,
    readonly meta: CommandMetadata,
  ) {}
}
