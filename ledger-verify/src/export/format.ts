// Writing a full export (docs/ledger-format.md section 9.3): the exact bytes of each line and
// of the manifest, shared by the service's exporter and by tests.

import { bytesToBase64 } from '../encoding.js';
import type { EventEnvelope } from '../envelope/types.js';
import { canonicalize } from '../jcs.js';
import { CHECKPOINT_EVENT_TYPE, CHECKPOINT_STREAM } from './check.js';
import type { ExportManifest } from './manifest.js';

/** One line of events.ndjson, without its "\n". */
export function formatEventLine(leaf: number, position: number, event: EventEnvelope): string {
  return canonicalize({ leaf, position, event });
}

/** One line of checkpoints.ndjson, without its "\n". */
export function formatCheckpointLine(position: number, event: EventEnvelope): string {
  return canonicalize({ position, event });
}

/** `data` of a CheckpointSealed event: tree size, base64 root, the signed checkpoint note. */
export function checkpointEventData(size: number, rootHash: Uint8Array, note: string): { size: number; root: string; note: string } {
  return { size, root: bytesToBase64(rootHash), note };
}

/** manifest.json: canonical JSON and a final "\n". */
export function formatManifest(m: ExportManifest): string {
  return `${canonicalize(m)}\n`;
}

export { CHECKPOINT_EVENT_TYPE, CHECKPOINT_STREAM };
