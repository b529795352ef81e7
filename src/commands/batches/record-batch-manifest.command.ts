import type { BatchManifest } from '../../domain/batch/batch.js';
import type { CommandMetadata } from '../../domain/decider.js';

/** Record a batch inference manifest (seed 003 §2.7) as evidence of its run. */
export class RecordBatchManifestCommand {
  constructor(
    readonly manifest: BatchManifest,
    readonly meta: CommandMetadata,
  ) {}
}
