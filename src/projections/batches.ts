const IDLE = Symbol('idle');

/**
 * `pending` if it settles by `until` (performance.now() clock), else IDLE. A deadline already
 * past still lets through what has settled by the next turn of the event loop.
 */
async function settledBy<T>(pending: Promise<T>, until: number): Promise<T | typeof IDLE> {
  const left = until - performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const wait = new Promise<typeof IDLE>((r) => (left > 0 ? (timer = setTimeout(() => r(IDLE), left)) : setImmediate(() => r(IDLE))));
  try {
    return await Promise.race([pending, wait]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Groups an async iterable into batches: a batch holds what is available without waiting
 * (up to `maxSize`), so catch-up reads fill large batches and live events go out one by one
 * at once. With `lingerMs`, a batch also takes what arrives within that time after its first
 * item (decision 0058): under a steady live rate, fewer and larger batches for a bounded delay.
 */
export async function* batches<T>(source: AsyncIterable<T>, maxSize: number, lingerMs = 0): AsyncGenerator<T[]> {
  const it = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  try {
    while (true) {
      const first = await (pending ?? it.next());
      pending = undefined;
      if (first.done) return;
      const batch = [first.value];
      const until = performance.now() + lingerMs;
      while (batch.length < maxSize) {
        pending = it.next();
        const next = await settledBy(pending, until);
        if (next === IDLE) break;
        pending = undefined;
        if (next.done) {
          yield batch;
          return;
        }
        batch.push(next.value);
      }
      yield batch;
    }
  } finally {
    // Do not leave a read in flight: end the source (its finally blocks run).
    void it.return?.();
  }
}

/**
 * `batches` for a source that yields chunks (the shared log reader, decision 0063): batches of at
 * most `maxSize`, made of what is available at once plus, with `lingerMs`, what arrives within
 * that time after the batch's first item. A chunk larger than what a batch still takes is split.
 */
export async function* rebatch<T>(chunks: AsyncIterable<readonly T[]>, maxSize: number, lingerMs = 0): AsyncGenerator<T[]> {
  const it = chunks[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<readonly T[]>> | undefined;
  let carry: T[] = [];
  let ended = false;
  try {
    while (true) {
      if (carry.length === 0) {
        if (ended) return;
        const first = await (pending ?? it.next());
        pending = undefined;
        if (first.done) return;
        carry = [...first.value];
        if (carry.length === 0) continue;
      }
      const until = performance.now() + lingerMs;
      while (carry.length < maxSize && !ended) {
        pending ??= it.next();
        const next = await settledBy(pending, until);
        if (next === IDLE) break;
        pending = undefined;
        if (next.done) ended = true;
        else for (const x of next.value) carry.push(x);
      }
      yield carry.length <= maxSize ? carry : carry.slice(0, maxSize);
      carry = carry.length <= maxSize ? [] : carry.slice(maxSize);
    }
  } finally {
    void it.return?.();
  }
}
