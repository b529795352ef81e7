import type pg from 'pg';
import { IllegalState } from '../domain/errors.js';
import type { EventStore } from '../eventstore/port.js';
import { migrate } from '../pg/migrate.js';
import { rebatch } from './batches.js';
import { advanceCheckpoint, CHECKPOINT_MIGRATIONS, readCheckpoint, writeCheckpoint } from './checkpoints.js';
import { ownReader, type LogSource } from './log-reader.js';
import { corkSocket, inPipelineMode } from './rm-common/sql.js';
import { streamCategory, type Projection, type ProjectedEvent } from './projection.js';
import { sleep } from '../util/sleep.js';

export interface RunnerOptions {
  readonly batchSize?: number;
  /** How long a live batch waits for more events after its first one (default 10 ms, decision 0058). */
  readonly lingerMs?: number;
  /** How long a standby waits before trying to take the lease again. */
  readonly leaseRetryMs?: number;
  /**
   * Where the live loop takes its events: the process's shared log reader (decision 0063). Without
   * it the runner reads the log on its own. catchUp (rebuilds, CLI) always reads on its own.
   */
  readonly source?: LogSource;
  readonly log?: (line: string) => void;
}

export interface RunnerState {
  /** True while this process holds the projection's lease and applies events. */
  readonly leader: boolean;
  /** Next position to apply, as last committed by this process (-1: unknown yet). */
  readonly position: number;
  readonly lastError: string | undefined;
}

/**
 * The lease's advisory lock key: the projection in this schema. Advisory locks are per database,
 * and two ledgers in two schemas of one database (tests, staging) must not block each other.
 */
const LEASE_KEY = `hashtext(current_schema() || '/' || $1)`;

/** Asynchronous commit for the lease's connection (decision 0058), reset when the lease ends. */
const ASYNC_COMMIT = 'SET synchronous_commit = off';

/** Migrations of the checkpoint table and of every projection's tables. */
export async function migrateProjections(pool: pg.Pool, projections: readonly Projection[]): Promise<void> {
  await migrate(pool, 'projections', CHECKPOINT_MIGRATIONS);
  for (const p of projections) await migrate(pool, `projection:${p.name}`, p.migrations);
}

/**
 * Drives one projection from the event store's subscription. One instance per projection at a
 * time: the runner holds a session advisory lock (the lease) on its own connection, and every
 * batch is applied with the checkpoint in one transaction on that connection. Events at or
 * before the checkpoint are skipped, so replays are harmless.
 */
export class ProjectionRunner {
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private stateValue: RunnerState = { leader: false, position: -1, lastError: undefined };
  private readonly categories: ReadonlySet<string> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly store: EventStore,
    readonly projection: Projection,
    private readonly options: RunnerOptions = {},
  ) {
    this.categories = projection.categories ? new Set(projection.categories) : undefined;
  }

  get state(): RunnerState {
    return this.stateValue;
  }

  /** Runs in the background until stop(): waits for the lease, then follows the log live. */
  start(): void {
    if (this.loop) return;
    const abort = new AbortController();
    this.abort = abort;
    this.loop = this.runForever(abort.signal);
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
    this.loop = undefined;
  }

  /**
   * Applies every event up to the current head, then returns (rebuilds, tests, CLI).
   * Throws PROJECTION_BUSY when another instance holds the lease.
   */
  async catchUp(options: { readonly fromZero?: boolean } = {}): Promise<number> {
    const client = await this.pool.connect();
    try {
      if (!(await this.tryLease(client))) {
        throw new IllegalState(
          'PROJECTION_BUSY',
          `projection ${this.projection.name} is being run by another process: stop the service first (or wait for it to finish)`,
        );
      }
      try {
        await client.query(ASYNC_COMMIT);
        if (options.fromZero) await this.reset(client);
        const head = await this.store.headPosition();
        const abort = new AbortController();
        return await this.follow(client, abort, head);
      } finally {
        await client.query('RESET synchronous_commit');
        await client.query(`SELECT pg_advisory_unlock(${LEASE_KEY})`, [this.lockKey()]);
      }
    } finally {
      client.release();
    }
  }

  private async runForever(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let client: pg.PoolClient | undefined;
      try {
        client = await this.pool.connect();
        if (!(await this.tryLease(client))) {
          client.release();
          client = undefined;
          await sleep(this.options.leaseRetryMs ?? 2000, signal);
          continue;
        }
        await client.query(ASYNC_COMMIT);
        this.stateValue = { ...this.stateValue, leader: true };
        const inner = new AbortController();
        const onAbort = (): void => inner.abort();
        signal.addEventListener('abort', onAbort, { once: true });
        try {
          await this.follow(client, inner, undefined);
        } finally {
          signal.removeEventListener('abort', onAbort);
        }
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        this.stateValue = { ...this.stateValue, lastError: message };
        this.options.log?.(`projection ${this.projection.name}: ${message.split('\n')[0]} (retrying)`);
        // A broken connection loses the lease with it: drop it, wait, and start over.
        client?.release(true);
        client = undefined;
        await sleep(1000, signal);
      } finally {
        this.stateValue = { ...this.stateValue, leader: false };
        if (client) {
          await client.query('RESET synchronous_commit').catch(() => undefined);
          await client.query(`SELECT pg_advisory_unlock(${LEASE_KEY})`, [this.lockKey()]).catch(() => undefined);
          client.release();
        }
      }
    }
  }

  /** Applies batches from the checkpoint on; stops at `until` (exclusive) when given, or on abort. */
  private async follow(client: pg.PoolClient, abort: AbortController, until: number | undefined): Promise<number> {
    let position = await this.prepare(client);
    this.stateValue = { ...this.stateValue, position };
    if (until !== undefined && position >= until) return position;
    const source = (until === undefined ? this.options.source : undefined) ?? ownReader(this.store);
    for await (const batch of rebatch(source.chunks(position, abort.signal), this.options.batchSize ?? 500, this.options.lingerMs ?? 10)) {
      const upTo = until === undefined ? batch : batch.filter((e) => e.recorded.position < until);
      if (upTo.length > 0) position = await this.applyBatch(client, upTo, position);
      this.stateValue = { ...this.stateValue, position, lastError: undefined };
      if (until !== undefined && position >= until) {
        abort.abort();
        break;
      }
    }
    return position;
  }

  /** Creates the checkpoint, or rebuilds from zero when the projection's version changed. */
  private async prepare(client: pg.PoolClient): Promise<number> {
    const cp = await readCheckpoint(client, this.projection.name);
    if (cp && cp.version === this.projection.version) return cp.position;
    if (cp)
      this.options.log?.(`projection ${this.projection.name}: version ${cp.version} -> ${this.projection.version}, rebuilding from zero`);
    await this.reset(client);
    return 0;
  }

  private async reset(client: pg.PoolClient): Promise<void> {
    await this.inTransaction(client, async () => {
      for (const t of this.projection.tables) await client.query(`TRUNCATE ${t}`);
      await writeCheckpoint(client, this.projection.name, { version: this.projection.version, position: 0 });
    });
  }

  /**
   * Applies the events at or after `from` (this lease's checkpoint) with the checkpoint in one
   * transaction. The connection commits asynchronously (decision 0058: rows and checkpoint still
   * commit together or not at all; a crash can only lose the last few batches whole, which are
   * applied again from the checkpoint). Decision 0063: BEGIN leaves with the projection's first
   * statements and the checkpoint move with COMMIT (one write each); the move fails unless the
   * checkpoint is at `from`, and then the COMMIT behind it rolls the batch back.
   */
  private async applyBatch(client: pg.PoolClient, events: readonly ProjectedEvent[], from: number): Promise<number> {
    const fresh = events.filter((e) => e.recorded.position >= from);
    if (fresh.length === 0) return from;
    if (fresh[0]!.recorded.position !== from) {
      throw new IllegalState(
        'PROJECTION_GAP',
        `projection ${this.projection.name} is at ${from} but got event ${fresh[0]!.recorded.position}`,
      );
    }
    const next = fresh.at(-1)!.recorded.position + 1;
    const { name, version } = this.projection;
    const relevant = this.categories ? fresh.filter((e) => this.categories!.has(streamCategory(e.recorded.stream))) : fresh;
    if (relevant.length === 0) {
      // Nothing this projection reads: the checkpoint moves on its own (one statement).
      await advanceCheckpoint(client, name, version, from, next);
      return next;
    }
    if (!inPipelineMode(client)) {
      return this.inTransaction(client, async () => {
        await this.projection.apply(relevant, client);
        await advanceCheckpoint(client, name, version, from, next);
        return next;
      });
    }
    let uncork = corkSocket(client);
    const begun = client.query('BEGIN');
    begun.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
    try {
      await this.projection.apply(relevant, client);
      uncork();
      await begun;
      uncork = corkSocket(client);
      const moved = advanceCheckpoint(client, name, version, from, next);
      const committed = client.query('COMMIT');
      uncork();
      const [m, c] = await Promise.allSettled([moved, committed]);
      if (m.status === 'rejected') throw m.reason as Error; // the COMMIT rolled back
      if (c.status === 'rejected') throw c.reason as Error;
      return next;
    } catch (e) {
      uncork();
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  private async inTransaction<T>(client: pg.PoolClient, fn: () => Promise<T>): Promise<T> {
    await client.query('BEGIN');
    try {
      const result = await fn();
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  private async tryLease(client: pg.PoolClient): Promise<boolean> {
    const { rows } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${LEASE_KEY}) AS ok`, [this.lockKey()]);
    return rows[0]?.ok === true;
  }

  private lockKey(): string {
    return `ql-projection:${this.projection.name}`;
  }
}
