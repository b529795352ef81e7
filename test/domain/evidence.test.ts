import { describe, it } from 'node:test';
import { evidence, type EvidenceEvent } from '../../src/domain/evidence/evidence.js';
import { specFor } from '../support/given-when-then.js';

const spec = specFor(evidence);
const D = 'ab'.repeat(32);
const recorded: EvidenceEvent = { type: 'EvidenceRecorded', data: { sha256: D, bytes: 42, mediaType: 'application/json' } };

describe('evidence decider', () => {
  it('given nothing, when recording, then EvidenceRecorded', () =>
    spec([]).when({ type: 'RecordEvidence', sha256: D, bytes: 42, mediaType: 'application/json' }).then([recorded]));

  it('given it is recorded, when recording the same bytes again, then nothing new', () =>
    spec([recorded]).when({ type: 'RecordEvidence', sha256: D, bytes: 42, mediaType: 'text/plain' }).then([]));

  it('given it is recorded, when recording another size under the digest, then EVIDENCE_CONFLICT', () =>
    spec([recorded]).when({ type: 'RecordEvidence', sha256: D, bytes: 43, mediaType: 'application/json' }).thenFails('EVIDENCE_CONFLICT'));

  it('given nothing, when the digest is not lowercase hex, then INVALID_DIGEST', () =>
    spec([]).when({ type: 'RecordEvidence', sha256: D.toUpperCase(), bytes: 1, mediaType: 'text/plain' }).thenFails('INVALID_DIGEST'));

  it('given nothing, when the size is negative, then INVALID_SIZE', () =>
    spec([]).when({ type: 'RecordEvidence', sha256: D, bytes: -1, mediaType: 'text/plain' }).thenFails('INVALID_SIZE'));

  it('given nothing, when the media type is not type/subtype, then INVALID_MEDIA_TYPE', () =>
    spec([]).when({ type: 'RecordEvidence', sha256: D, bytes: 1, mediaType: 'json' }).thenFails('INVALID_MEDIA_TYPE'));
});
