/**
 * Groups an async iterable into batches: a batch holds what is available without waiting
 * (up to `maxSize`), so catch-up reads fill large batches and live events go out one by one
 * at once. With `lingerMs`, a batch also takes what arrives within that time after its first
 * item (decision 0058): under a steady live rate, fewer and larger batches for a bounded delay.
 */
export async function* batches<T>(source: AsyncIterable<T>, maxSize: number, lingerMs = 0): AsyncGenerator<T[]> {
  const it = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  const idle = Symbol('idle');
  try {
    while (true) {
      const first = await (pending ?? it.next());
      pending = undefined;
      if (first.done) return;
      const batch = [first.value];
      const until = performance.now() + lingerMs;
      while (batch.length < maxSize) {
        pending = it.next();
        const left = until - performance.now();
        let timer: ReturnType<typeof setTimeout> | undefined;
        const wait = new Promise<typeof idle>((r) => (left > 0 ? (timer = setTimeout(() => r(idle), left)) : setImmediate(() => r(idle))));
        const next = await Promise.race([pending, wait]);
        clearTimeout(timer);
        if (next === idle) break;
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
