import type { CommandMetadata } from '../../domain/decider.js';

/** Store an evidence blob under the SHA-256 the uploader names, and record it in the ledger. */
export class StoreEvidenceCommand {
  constructor(
    readonly sha256: string,
    readonly mediaType: string,
    readonly body: AsyncIterable<Uint8Array>,
    readonly meta: CommandMetadata,
  ) {}
}

export interface StoreEvidenceResult {
  readonly sha256: string;
  readonly bytes: number;
  /** False when these bytes were already stored and recorded. */
  readonly created: boolean;
}
