import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LEDGER } from '../../app/tokens.js';
import { batchJob, batchStream } from '../../domain/batch/batch.js';
import { gate, modelRegistry, modelStream } from '../../domain/model/model.js';
import type { WriteResult } from '../../ledger/ledger-writer.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { readState } from '../../ledger/read-state.js';
import { RecordBatchManifestCommand } from './record-batch-manifest.command.js';

/**
 * Asks the model registry (its stream, read fresh) and hands the answer to the decider, which
 * refuses a manifest scored with a model that is not approved for the stage. The append is
 * fenced on the model stream's revision, so a revocation racing this manifest wins or loses
 * cleanly: never a manifest accepted against a revocation already committed.
 */
@CommandHandler(RecordBatchManifestCommand)
export class RecordBatchManifestHandler implements ICommandHandler<RecordBatchManifestCommand, WriteResult> {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  async execute({ manifest, meta }: RecordBatchManifestCommand): Promise<WriteResult> {
    const registry = modelStream(manifest.model.name);
    const { state, revision } = await readState(this.ledger.store, registry, modelRegistry);
    const answer = gate(state, manifest.model.name, manifest.model.digest, manifest.stage);
    return this.ledger.writer.execute(
      batchStream(manifest.jobId),
      batchJob,
      { type: 'RecordBatchManifest', manifest, gate: answer },
      meta,
      {
        preconditions: [{ stream: registry, revision }],
      },
    );
  }
}
