import type { EventEnvelope } from 'ledger-verify';
import { IllegalState } from '../domain/errors.js';
import type { EventStore, RecordedEvent } from '../eventstore/port.js';
import { batches } from './batches.js';
import type { ProjectedEvent } from './projection.js';

/** Where a runner gets its events: every event from a position on, in order, in chunks. */
export interface LogSource {
  /** Chunks of consecutive events from `from` on (each parsed once); ends when `signal` aborts. */
  chunks(from: number, signal: AbortSignal): AsyncIterable<readonly ProjectedEvent[]>;
}

export interface SharedLogReaderOptions {
  /** Events read from the store at a time (default 500). */
  readonly pageSize?: number;
  /** Most events kept for runners that are behind the head (default 10,000). */
  readonly maxBufferedEvents?: number;
  /** Most event bytes (the stored JSON) kept for them (default 32 MiB). */
  readonly maxBufferedBytes?: number;
}

/** The sealed envelope of a recorded event, parsed. */
export function toProjected(recorded: RecordedEvent): ProjectedEvent {
  return { recorded, envelope: JSON.parse(recorded.data) as EventEnvelope };
}

/** Reads the log on its own: one subscription and one parse per event for one runner (catch-up, rebuild). */
export function ownReader(store: EventStore, pageSize = 500): LogSource {
  return {
    async *chunks(from: number, signal: AbortSignal): AsyncIterable<readonly ProjectedEvent[]> {
      for await (const page of batches(store.subscribeToAll({ fromPosition: from, signal }), pageSize)) yield page.map(toProjected);
    },
  };
}

/**
 * One live reader of the log for every runner of a process (decision 0063): the newest events are
 * read from the store once, parsed once, and kept in a bounded buffer from which each runner takes
 * them at its own pace. Nothing is pushed: a runner that is slow or failing only stops taking, the
 * others go on. A runner whose position is older than the buffer (it started behind, or fell behind
 * by more than the buffer holds) reads the store on its own up to the buffer's start, then takes from
 * the buffer again. The store is read only when a runner waits at the end of the buffer.
 */
export class SharedLogReader implements LogSource {
  private readonly pageSize: number;
  private readonly maxEvents: number;
  private readonly maxBytes: number;
  /** Consecutive events: buffer[i] is at position start + i. */
  private buffer: ProjectedEvent[] = [];
  private bytes = 0;
  private start = 0;
  /** The shared subscription; it always reads on from `end`. */
  private live: { readonly pages: AsyncIterator<RecordedEvent[]>; readonly abort: AbortController } | undefined;
  /** The shared read in flight; true when the subscription ended by itself (the store closed). */
  private fetching: Promise<boolean> | undefined;
  private readsValue = { shared: 0, own: 0 };

  constructor(
    private readonly store: EventStore,
    options: SharedLogReaderOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 500;
    this.maxEvents = Math.max(1, options.maxBufferedEvents ?? 10_000);
    this.maxBytes = options.maxBufferedBytes ?? 32 * 1024 * 1024;
  }

  /** Events read from the store: by the shared subscription, and by runners behind the buffer. */
  get reads(): { readonly shared: number; readonly own: number } {
    return { ...this.readsValue };
  }

  private get end(): number {
    return this.start + this.buffer.length;
  }

  async *chunks(from: number, signal: AbortSignal): AsyncIterable<readonly ProjectedEvent[]> {
    let position = from;
    while (!signal.aborted) {
      if (this.live && position >= this.start && position < this.end) {
        const chunk = this.buffer.slice(position - this.start, position - this.start + this.pageSize);
        position += chunk.length;
        yield chunk;
      } else if (this.live && position < this.start) {
        // Behind the buffer: catch up on its own, up to where the buffer starts.
        const page = await this.store.readAll({ fromPosition: position, maxCount: Math.min(this.pageSize, this.start - position) });
        if (page[0]?.position !== position) {
          throw new IllegalState('LOG_GAP', `the log has no event at position ${position}: check the event store (ql_events)`);
        }
        this.readsValue.own += page.length;
        position = page.at(-1)!.position + 1;
        yield page.map(toProjected);
      } else if (await this.fetchBeyond(position, signal)) {
        return; // the store ended the subscription (it is closed), as subscribeToAll does
      }
    }
  }

  /** Ends the shared subscription and empties the buffer (the next runner that waits opens it again). */
  close(): void {
    this.live?.abort.abort();
    void this.live?.pages.return?.();
    this.live = undefined;
    this.buffer = [];
    this.bytes = 0;
  }

  /**
   * Waits (with every other runner at the end) until the buffer reaches beyond `position`, or abort.
   * True when the store ended the shared subscription by itself.
   */
  private async fetchBeyond(position: number, signal: AbortSignal): Promise<boolean> {
    this.fetching ??= this.fetch(position).finally(() => {
      this.fetching = undefined;
    });
    return new Promise<boolean>((resolve, reject) => {
      const done = (ended: boolean): void => {
        signal.removeEventListener('abort', aborted);
        resolve(ended);
      };
      const aborted = (): void => done(false);
      signal.addEventListener('abort', aborted, { once: true });
      this.fetching!.then(done, (e: unknown) => {
        signal.removeEventListener('abort', aborted);
        reject(e instanceof Error ? e : new Error(String(e)));
      });
    });
  }

  private async fetch(position: number): Promise<boolean> {
    // Nothing read yet, or this runner is far ahead of the buffer: the shared read starts over here
    // (runners behind it catch up on their own). Otherwise it reads on from the buffer's end.
    if (!this.live || position > this.end + this.maxEvents) this.restart(position);
    const live = this.live!;
    let next: IteratorResult<RecordedEvent[]>;
    try {
      next = await live.pages.next();
    } catch (e) {
      if (live === this.live) this.close(); // the next wait opens a new subscription
      throw e;
    }
    if (live !== this.live) return false; // closed or restarted meanwhile
    if (next.done) {
      this.close();
      return true;
    }
    const page = next.value;
    if (page[0]?.position !== this.end) {
      this.restart(page[0]?.position ?? this.end);
      return false;
    }
    this.readsValue.shared += page.length;
    for (const r of page) {
      this.buffer.push(toProjected(r));
      this.bytes += r.data.length;
    }
    this.trim();
    return false;
  }

  private restart(position: number): void {
    this.close();
    const abort = new AbortController();
    const source = this.store.subscribeToAll({ fromPosition: position, signal: abort.signal });
    this.live = { pages: batches(source, this.pageSize)[Symbol.asyncIterator](), abort };
    this.start = position;
  }

  /** Keeps the newest events within the bounds. */
  private trim(): void {
    let drop = 0;
    let bytes = this.bytes;
    while (drop < this.buffer.length && (this.buffer.length - drop > this.maxEvents || bytes > this.maxBytes)) {
      bytes -= this.buffer[drop]!.recorded.data.length;
      drop++;
    }
    if (drop === 0) return;
    this.buffer = this.buffer.slice(drop);
    this.bytes = bytes;
    this.start += drop;
  }
}
