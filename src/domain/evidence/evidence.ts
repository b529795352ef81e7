import type { Decider } from '../decider.js';
import { IllegalState, ValidationError } from '../errors.js';

/**
 * An evidence artifact (report, SBOM, manifest), stream `evidence-<sha256>`. The bytes live in
 * the content-addressed blob store; the ledger records that they were received, how big they
 * are and who uploaded them. The digest is computed by the store from the bytes, never taken
 * on trust from the uploader.
 */
export type EvidenceCommand = {
  readonly type: 'RecordEvidence';
  readonly sha256: string;
  readonly bytes: number;
  readonly mediaType: string;
};

export type EvidenceEvent = {
  readonly type: 'EvidenceRecorded';
  readonly data: { readonly sha256: string; readonly bytes: number; readonly mediaType: string };
};

export interface EvidenceState {
  readonly recorded: { readonly sha256: string; readonly bytes: number } | undefined;
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

export function evidenceStream(sha256: string): string {
  return `evidence-${sha256}`;
}

export const evidence: Decider<EvidenceCommand, EvidenceEvent, EvidenceState> = {
  initialState: { recorded: undefined },

  evolve: (_, event) => ({ recorded: { sha256: event.data.sha256, bytes: event.data.bytes } }),

  decide(command, state) {
    if (!SHA256_HEX.test(command.sha256)) {
      throw new ValidationError('INVALID_DIGEST', 'sha256 must be 64 lowercase hex characters', [
        { path: 'sha256', message: 'expected 64 lowercase hex characters' },
      ]);
    }
    if (!Number.isSafeInteger(command.bytes) || command.bytes < 0) {
      throw new ValidationError('INVALID_SIZE', 'bytes must be a non-negative integer', [
        { path: 'bytes', message: 'expected a non-negative integer' },
      ]);
    }
    if (!MEDIA_TYPE.test(command.mediaType)) {
      throw new ValidationError(
        'INVALID_MEDIA_TYPE',
        `media type must look like "application/json" (got "${command.mediaType.slice(0, 60)}")`,
        [{ path: 'mediaType', message: 'expected type/subtype in lower case' }],
      );
    }
    if (state.recorded === undefined) {
      return [{ type: 'EvidenceRecorded', data: { sha256: command.sha256, bytes: command.bytes, mediaType: command.mediaType } }];
    }
    // Same digest, same bytes: the artifact is already on record, nothing new to say.
    if (state.recorded.sha256 === command.sha256 && state.recorded.bytes === command.bytes) return [];
    throw new IllegalState('EVIDENCE_CONFLICT', `evidence ${command.sha256} is already recorded with ${state.recorded.bytes} bytes`);
  },
};
