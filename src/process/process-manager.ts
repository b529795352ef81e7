import type { EventEnvelope } from 'ledger-verify';
import type pg from 'pg';
import type { Ledger } from '../ledger/open-ledger.js';
import { react, sweep, type ReactionContext } from './reactions.js';
import { ProcessStore } from './process-store.js';
import { sleep } from '../util/sleep.js';

export interface ProcessManagerOptions {
  /** Dispatches commands through the application's CommandBus. */
  readonly execute: <T>(command: object) => Promise<T>;
  readonly log?: (line: string) => void;
  /** How often overdue checks are swept (default 5 s). */
  readonly sweepIntervalMs?: number;
  /** The clock (tests move it forward to time checks out). */
  readonly now?: () => Date;
  readonly name?: string;
}

const LOCK = 'ql-process-manager';

/**
 * The pipeline process manager (seed 000 §8.2 steps 5-7): follows the event store's global log
 * from its checkpoint in PostgreSQL, reacts to each event (queue, start and skip stages per the
 * DAG, open the decision, evaluate the policy, complete the run, approve models, start crypto
 * pipelines on key rotations) and sweeps overdue checks on a timer. One instance runs at a time
 * (a PostgreSQL advisory lock); others wait. Every command it issues carries an id derived from
 * the triggering event, so replaying events never doubles an effect.
 */
export class ProcessManager {
  private readonly abort = new AbortController();
  private readonly store: ProcessStore;
  private readonly ctx: ReactionContext;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;
  private next = 0;
  private readonly waiters = new Set<{ position: number; resolve: () => void }>();
  private lockClient: pg.PoolClient | undefined;

  constructor(
    private readonly ledger: Ledger,
    private readonly options: ProcessManagerOptions,
  ) {
    this.store = new ProcessStore(ledger.pool, options.name ?? 'pipeline');
    const now = options.now ?? (() => new Date());
    this.ctx = {
      ledger,
      store: this.store,
      now: () => now().toISOString(),
      execute: options.execute,
      log: options.log ?? (() => undefined),
    };
  }

  /** Migrates its tables and starts following the log in the background. */
  async start(): Promise<void> {
    await this.store.migrate();
    this.running = this.run().catch((e: unknown) => {
      if (!this.abort.signal.aborted) this.ctx.log(`process: stopped on an error: ${e instanceof Error ? e.message : String(e)}`);
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    if (this.timer) clearInterval(this.timer);
    await this.running;
    if (this.lockClient) {
      await this.lockClient.query('SELECT pg_advisory_unlock(hashtext($1))', [LOCK]).catch(() => undefined);
      this.lockClient.release();
      this.lockClient = undefined;
    }
  }

  /** Resolves once every event before `position` (exclusive) has been handled. */
  async caughtUp(position?: number): Promise<void> {
    const target = position ?? (await this.ledger.store.headPosition());
    if (this.next >= target) return;
    await new Promise<void>((resolve) => this.waiters.add({ position: target, resolve }));
  }

  /** One sweep of overdue checks now; the number of checks timed out. */
  sweepNow(): Promise<number> {
    return sweep(this.ctx);
  }

  private async run(): Promise<void> {
    await this.lead();
    if (this.abort.signal.aborted) return;
    this.next = await this.store.position();
    this.timer = setInterval(() => void this.sweepTick(), this.options.sweepIntervalMs ?? 5000);
    this.timer.unref();
    for await (const recorded of this.ledger.store.subscribeToAll({ fromPosition: this.next, signal: this.abort.signal })) {
      const envelope = JSON.parse(recorded.data) as EventEnvelope;
      await this.handle(envelope);
      this.next = recorded.position + 1;
      await this.store.savePosition(this.next);
      for (const w of this.waiters) {
        if (this.next >= w.position) {
          this.waiters.delete(w);
          w.resolve();
        }
      }
    }
  }

  /** Reacts to one event, retrying infrastructure failures with a bounded backoff until stopped. */
  private async handle(envelope: EventEnvelope): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await react(this.ctx, envelope);
        return;
      } catch (e) {
        if (this.abort.signal.aborted) throw e;
        this.ctx.log(`process: ${envelope.stream} ${envelope.type}: ${e instanceof Error ? e.message : String(e)} (retry ${attempt})`);
        await sleep(Math.min(30_000, 200 * 2 ** Math.min(attempt, 8)), this.abort.signal);
      }
    }
  }

  /** Waits for the leader lock: only one process manager acts on a ledger. */
  private async lead(): Promise<void> {
    while (!this.abort.signal.aborted) {
      const client = await this.ledger.pool.connect();
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [LOCK]);
      if (rows[0]?.ok) {
        this.lockClient = client;
        return;
      }
      client.release();
      await sleep(2000, this.abort.signal);
    }
  }

  private async sweepTick(): Promise<void> {
    if (this.sweeping || this.abort.signal.aborted) return;
    this.sweeping = true;
    try {
      await sweep(this.ctx);
    } catch (e) {
      this.ctx.log(`process: timeout sweep failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.sweeping = false;
    }
  }
}
