import { ValidationError } from '../../domain/errors.js';
import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import { batches } from '../../projections/batches.js';

/**
 * An async generator driven by an AbortSignal, as an iterator whose return() ends it at once (a
 * generator waiting for the next event would only see a return() after that event arrived).
 */
export function abortable<T>(run: (signal: AbortSignal) => AsyncGenerator<T>): AsyncIterableIterator<T> {
  const abort = new AbortController();
  const inner = run(abort.signal);
  const iterator: AsyncIterableIterator<T> = {
    next: () => inner.next(),
    return: async (value?: unknown) => {
      abort.abort();
      await inner.return(undefined);
      return { done: true, value: value as T };
    },
    throw: async (e?: unknown) => {
      abort.abort();
      return inner.throw(e);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** `fromPosition` of a subscription: an integer >= 0, or the current head when absent. */
export async function startPosition(store: EventStore, fromPosition: number | null): Promise<number> {
  if (fromPosition != null && (!Number.isSafeInteger(fromPosition) || fromPosition < 0)) {
    throw new ValidationError('INVALID_POSITION', `fromPosition must be an integer >= 0 (got ${fromPosition})`);
  }
  return fromPosition ?? (await store.headPosition());
}

/**
 * The store's subscription from `from` on, in batches of what is available without waiting (up
 * to `maxSize`): catch-up reads come in large batches, live events one by one.
 */
export function eventBatches(store: EventStore, from: number, signal: AbortSignal, maxSize = 200): AsyncGenerator<RecordedEvent[]> {
  return batches(store.subscribeToAll({ fromPosition: from, signal }), maxSize);
}
