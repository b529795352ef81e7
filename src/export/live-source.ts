import type { EventStore } from '../eventstore/port.js';

/**
 * The live global log as the verifier's line source: the stored envelopes in global order,
 * read page by page (constant memory) up to `head`. Each call starts a fresh pass.
 */
export function liveLogSource(store: EventStore, head: number, pageSize = 500): () => AsyncIterable<string> {
  return () => pages(store, head, pageSize);
}

async function* pages(store: EventStore, head: number, pageSize: number): AsyncGenerator<string> {
  for (let from = 0; from < head;) {
    const page = await store.readAll({ fromPosition: from, maxCount: Math.min(pageSize, head - from) });
    if (page.length === 0) return;
    for (const r of page) yield r.data;
    from = (page.at(-1)?.position ?? from) + 1;
  }
}
