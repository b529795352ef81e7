import type { CommandMetadata } from '../../domain/decider.js';

/** Rotate the ledger's signing key: the active key signs the rotation, the new key proves possession. */
export class RotateSigningKeyCommand {
  constructor(readonly meta: CommandMetadata) {}
}
