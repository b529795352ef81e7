import type { CommandMetadata } from '../../domain/decider.js';

/** Revoke a retired signing key; with `compromisedSince`, its events from then on fail verification. */
export class RevokeSigningKeyCommand {
  constructor(
    readonly kid: string,
    readonly reason: string,
    readonly compromisedSince: string | null,
    readonly meta: CommandMetadata,
  ) {}
}
