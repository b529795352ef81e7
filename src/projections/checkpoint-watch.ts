import type pg from 'pg';

interface Waiter {
  readonly name: string;
  readonly position: number;
  readonly resolve: (reached: boolean) => void;
}

/**
 * Waits until a projection has applied a position (its committed checkpoint is past it), for
 * live views that must never be older than the event they announce (decision 0053). One poller
 * per pool: while anybody waits, it reads every checkpoint in one query every `intervalMs`;
 * with nobody waiting it stops (no timer left behind).
 */
export class CheckpointWatch {
  private readonly known = new Map<string, number>();
  private readonly waiters = new Set<Waiter>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly intervalMs = 25,
  ) {}

  /**
   * Resolves true once projection `name` has applied `position` (checkpoint > position), false
   * when `signal` aborts first. Answers at once when the last poll already saw it.
   */
  async applied(name: string, position: number, signal: AbortSignal): Promise<boolean> {
    if ((this.known.get(name) ?? -1) > position) return true;
    if (signal.aborted) return false;
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        name,
        position,
        resolve: (reached) => {
          signal.removeEventListener('abort', onAbort);
          this.waiters.delete(waiter);
          resolve(reached);
        },
      };
      const onAbort = (): void => waiter.resolve(false);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
      this.schedule(0);
    });
  }

  private schedule(delay: number): void {
    if (this.timer || this.polling || this.waiters.size === 0) return;
    this.timer = setTimeout(() => void this.poll(), delay);
  }

  private async poll(): Promise<void> {
    this.timer = undefined;
    this.polling = true;
    try {
      const { rows } = await this.pool.query<{ name: string; position: string }>('SELECT name, position FROM ql_projection_checkpoints');
      for (const r of rows) this.known.set(r.name, Number(r.position));
      for (const w of [...this.waiters]) if ((this.known.get(w.name) ?? -1) > w.position) w.resolve(true);
    } catch {
      // A failed poll (pool closing, connection lost) is retried at the next interval while anybody waits.
    } finally {
      this.polling = false;
      this.schedule(this.intervalMs);
    }
  }
}

const watches = new WeakMap<pg.Pool, CheckpointWatch>();

/** The one watch of a pool. */
export function checkpointWatch(pool: pg.Pool): CheckpointWatch {
  let w = watches.get(pool);
  if (!w) {
    w = new CheckpointWatch(pool);
    watches.set(pool, w);
  }
  return w;
}
