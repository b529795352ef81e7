import pg from 'pg';

type Waiter = { readonly beyond: number; readonly wake: () => void };

/**
 * Wakes live subscriptions when the log grows: at once for appends made by this process,
 * through LISTEN/NOTIFY for appends made by other processes, and by a poll timer as the
 * safety net when a notification is lost (the LISTEN connection is re-opened lazily).
 */
export class AppendNotifier {
  private knownHead = 0;
  private readonly waiters = new Set<Waiter>();
  private listener: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly pollIntervalMs: number,
  ) {}

  localAppend(newHead: number): void {
    this.advance(newHead);
  }

  /** Resolves when the head may be beyond `position`, on abort, or after the poll interval. */
  async waitBeyond(position: number, signal?: AbortSignal): Promise<void> {
    if (this.knownHead > position || signal?.aborted) return;
    void this.ensureListening();
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const waiter: Waiter = { beyond: position, wake: done };
      const timer = setTimeout(done, this.pollIntervalMs);
      this.waiters.add(waiter);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of [...this.waiters]) w.wake();
    const l = this.listener;
    this.listener = undefined;
    await l?.end().catch(() => undefined);
  }

  private advance(head: number): void {
    if (head > this.knownHead) this.knownHead = head;
    for (const w of [...this.waiters]) if (this.knownHead > w.beyond) w.wake();
  }

  private ensureListening(): Promise<void> {
    if (this.listener || this.closed) return Promise.resolve();
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.connectionString });
      client.on('error', () => {
        if (this.listener === client) this.listener = undefined;
      });
      client.on('notification', (n) => {
        const head = Number(n.payload);
        if (Number.isSafeInteger(head)) this.advance(head);
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${this.channel}`);
        if (this.closed) await client.end();
        else this.listener = client;
      } catch {
        await client.end().catch(() => undefined);
      }
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }
}
