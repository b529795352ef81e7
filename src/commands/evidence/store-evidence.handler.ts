import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVIDENCE_STORE, LEDGER } from '../../app/tokens.js';
import { evidence, evidenceStream } from '../../domain/evidence/evidence.js';
import type { EvidenceBlobStore } from '../../evidence/evidence-store.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { StoreEvidenceCommand, type StoreEvidenceResult } from './store-evidence.command.js';

/**
 * Bytes first, then the record: the blob is content-addressed, so a blob without a record is
 * harmless (the retry records it), while a record without its bytes would be a broken promise.
 */
@CommandHandler(StoreEvidenceCommand)
export class StoreEvidenceHandler implements ICommandHandler<StoreEvidenceCommand, StoreEvidenceResult> {
  constructor(
    @Inject(LEDGER) private readonly ledger: Ledger,
    @Inject(EVIDENCE_STORE) private readonly blobs: EvidenceBlobStore,
  ) {}

  async execute(command: StoreEvidenceCommand): Promise<StoreEvidenceResult> {
    const blob = await this.blobs.put(command.sha256, command.body);
    const written = await this.ledger.writer.execute(
      evidenceStream(blob.sha256),
      evidence,
      { type: 'RecordEvidence', sha256: blob.sha256, bytes: blob.bytes, mediaType: command.mediaType },
      command.meta,
    );
    return { sha256: blob.sha256, bytes: blob.bytes, created: written.events.length > 0 };
  }
}
