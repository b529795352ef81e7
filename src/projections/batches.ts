/**
 * Groups an async iterable into batches: a batch holds what is available without waiting
 * (up to `maxSize`), so catch-up reads fill large batches and live events go out one by one
 * at once.
 */
export async function* batches<T>(source: AsyncIterable<T>, maxSize: number): AsyncGenerator<T[]> {
  const it = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  const idle = Symbol('idle');
  try {
    while (true) {
      const first = await (pending ?? it.next());
      pending = undefined;
      if (first.done) return;
      const batch = [first.value];
      while (batch.length < maxSize) {
        pending = it.next();
        const next = await Promise.race([pending, new Promise<typeof idle>((r) => setImmediate(() => r(idle)))]);
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
