import { iterableSource, type ExportSource } from 'ledger-verify';
import { CHECKPOINT_STREAM } from '../domain/checkpoints/checkpoints.js';
import type { EventStore } from '../eventstore/port.js';

/**
 * A line of events.ndjson from a stored event. The stored text is the canonical JSON of the
 * sealed envelope (decision 0006), so the line is canonical too: "event" < "leaf" < "position".
 */
export function eventLine(data: string, leaf: number, position: number): string {
  return `{"event":${data},"leaf":${leaf},"position":${position}}`;
}

/** A line of checkpoints.ndjson from a stored CheckpointSealed event. */
export function checkpointLine(data: string, position: number): string {
  return `{"event":${data},"position":${position}}`;
}

/**
 * The live store as ledger-verify's export source, up to `head` (exclusive): the lines a full
 * export taken now would hold, read page by page (constant memory), a fresh pass per call.
 */
export function liveExportSource(store: EventStore, head: number, pageSize = 500): ExportSource {
  return iterableSource({
    name: `live store (head ${head})`,
    events: () => eventLines(store, head, pageSize),
    checkpoints: () => checkpointLines(store, head, pageSize),
  });
}

async function* eventLines(store: EventStore, head: number, pageSize: number): AsyncGenerator<string> {
  let leaf = 0;
  for (let from = 0; from < head;) {
    const page = await store.readAll({ fromPosition: from, maxCount: Math.min(pageSize, head - from) });
    if (page.length === 0) return;
    for (const r of page) if (r.stream !== CHECKPOINT_STREAM) yield eventLine(r.data, leaf++, r.position);
    from = (page.at(-1)?.position ?? from) + 1;
  }
}

async function* checkpointLines(store: EventStore, head: number, pageSize: number): AsyncGenerator<string> {
  for (let revision = 0; ;) {
    const page = await store.readStream(CHECKPOINT_STREAM, { fromRevision: revision, maxCount: pageSize });
    for (const r of page) {
      if (r.position >= head) return;
      yield checkpointLine(r.data, r.position);
    }
    if (page.length < pageSize) return;
    revision += page.length;
  }
}
