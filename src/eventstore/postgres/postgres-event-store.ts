import pg from 'pg';
import { ConcurrencyError, LedgerError, Unavailable } from '../../domain/errors.js';
import { migrate } from '../../pg/migrate.js';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
} from '../port.js';
import { validateAppend, type AppendLimits } from '../validate-append.js';
import { APPEND_BATCH_SQL, batchParams, parseBatchRows, takeBatch, type PendingAppend } from './append-batch.js';
import { EVENTSTORE_MIGRATIONS } from './migrations.js';
import { AppendNotifier } from './notifier.js';

export interface PostgresEventStoreOptions extends AppendLimits {
  readonly pool: pg.Pool;
  /** Connection string for the LISTEN connection of live subscriptions. */
  readonly connectionString: string;
  /** Upper bound of events committed in one group-commit transaction. */
  readonly maxBatchEvents?: number;
  /** Batches committing at once (default 2: one cohort of writers seals while the other commits). */
  readonly maxInFlight?: number;
  /** Poll interval of live subscriptions when no notification arrives (ms). */
  readonly pollIntervalMs?: number;
}

interface Pending extends PendingAppend {
  readonly resolve: (r: AppendResult) => void;
  readonly reject: (e: unknown) => void;
}

interface EventRow {
  position: string;
  stream: string;
  revision: string;
  event_id: string;
  type: string;
  data: string;
  recorded_at: Date;
}

const SELECT_COLUMNS = 'position, stream, revision, event_id, type, data, recorded_at';
const NOTIFY_CHANNEL = 'ql_events';

/**
 * PostgreSQL adapter. Concurrent appends are group-committed: appends queue, and up to
 * `maxInFlight` batches (each up to `maxBatchEvents`) commit through `ql_append_batch`. Each
 * append is still checked and applied on its own (a conflict fails only that append), and
 * every append is all-or-nothing. docs/event-store.md explains the ordering argument.
 */
export class PostgresEventStore implements EventStore {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private closed = false;
  private readonly notifier: AppendNotifier;
  private readonly maxBatchEvents: number;
  private readonly maxInFlight: number;

  private constructor(private readonly options: PostgresEventStoreOptions) {
    this.maxBatchEvents = options.maxBatchEvents ?? 2000;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 2);
    this.notifier = new AppendNotifier(options.connectionString, NOTIFY_CHANNEL, options.pollIntervalMs ?? 1000);
  }

  /** Applies the event store migrations, then returns a ready store. */
  static async open(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    try {
      await migrate(options.pool, 'eventstore', EVENTSTORE_MIGRATIONS);
    } catch (e) {
      throw toStoreError(e);
    }
    return new PostgresEventStore(options);
  }

  append(stream: string, expected: ExpectedRevision, events: readonly EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    const preconditions = options.preconditions ?? [];
    try {
      if (this.closed) throw new Unavailable('STORE_CLOSED', 'the event store is closed');
      validateAppend(stream, expected, events, preconditions, this.options);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ stream, expected, events: [...events], preconditions, resolve, reject });
      this.kick();
    });
  }

  /**
   * Starts a batch when fewer than `maxInFlight` are committing. Two in flight let the
   * writers of one batch seal their next events while the other commits; the head row lock
   * still orders the two transactions, and each checks its members after taking the lock.
   */
  private kick(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // Let writers woken by a commit finish sealing their next appends (microtask chains)
    // before the batch is formed: a full batch costs one WAL flush too.
    setImmediate(() => {
      this.scheduled = false;
      if (this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
      // With nothing else in flight, take half of what waits: the other half forms the second
      // batch at once, and from then on one cohort of writers seals while the other commits.
      const waiting = this.queue.reduce((n, p) => n + p.events.length, 0);
      const limit = this.inFlight === 0 && this.maxInFlight > 1 ? Math.max(1, Math.ceil(waiting / 2)) : this.maxBatchEvents;
      const batch = takeBatch(this.queue, Math.min(limit, this.maxBatchEvents));
      this.inFlight++;
      this.commitBatch(batch)
        .catch((e: unknown) => {
          const err = toStoreError(e);
          for (const p of batch) p.reject(err);
        })
        .finally(() => {
          this.inFlight--;
          this.kick();
        });
      this.kick();
    });
  }

  private async commitBatch(batch: readonly Pending[]): Promise<void> {
    // A named statement: parsed once per connection, not once per batch.
    const result = await this.options.pool.query({
      name: 'ql-append-batch',
      text: APPEND_BATCH_SQL,
      values: batchParams(batch, NOTIFY_CHANNEL),
    });
    const rows = parseBatchRows(result.rows as Parameters<typeof parseBatchRows>[0]);
    if (rows.length !== batch.length) throw new Error(`append batch returned ${rows.length} results for ${batch.length} appends`);
    this.notifier.localAppend(rows[0]?.newHead ?? 0);
    for (const row of rows) {
      const p = batch[row.idx] as Pending;
      switch (row.status) {
        case 'ok':
          p.resolve({ nextExpectedRevision: row.current + p.events.length, firstPosition: row.firstPosition as number, idempotent: false });
          break;
        case 'rev':
          p.reject(
            new ConcurrencyError(
              'WRONG_EXPECTED_REVISION',
              `append to "${p.stream}" expected ${describeExpected(p.expected)}, but the stream is at ${row.current === -1 ? 'no stream' : `revision ${row.current}`}: reload the stream and decide again`,
              { stream: p.stream, expected: p.expected, actual: row.current },
            ),
          );
          break;
        case 'pre': {
          const [stream, actual] = (row.preconditionFailure ?? ' ').split(' ');
          const expected = p.preconditions.find((c) => c.stream === stream)?.revision;
          p.reject(
            new ConcurrencyError(
              'PRECONDITION_FAILED',
              `append to "${p.stream}" required "${stream}" at revision ${expected}, but it is at ${actual}: reload and retry`,
              { stream: p.stream, preconditionStream: stream, expected, actual: Number(actual) },
            ),
          );
          break;
        }
        case 'dup':
          this.settleDuplicate(p).then(p.resolve, p.reject);
          break;
      }
    }
  }

  /** Some ids of the append are stored already: the same append again, or a conflict. */
  private async settleDuplicate(p: Pending): Promise<AppendResult> {
    const { rows } = await this.query<{ event_id: string; stream: string; revision: string; position: string; data: string }>(
      'SELECT event_id, stream, revision, position, data FROM ql_events WHERE event_id = ANY($1::uuid[])',
      [p.events.map((e) => e.id)],
    );
    const stored = new Map(
      rows.map((r) => [r.event_id, { stream: r.stream, revision: Number(r.revision), position: Number(r.position), data: r.data }]),
    );
    const known = p.events.map((e) => stored.get(e.id));
    const first = known[0];
    const sameAppend =
      first !== undefined &&
      known.every(
        (k, i) =>
          k !== undefined &&
          k.stream === p.stream &&
          k.revision === first.revision + i &&
          k.position === first.position + i &&
          k.data === p.events[i]?.data,
      ) &&
      (p.expected === 'any' || (p.expected === 'no_stream' ? first.revision === 0 : first.revision === p.expected + 1));
    if (sameAppend) {
      return { nextExpectedRevision: first.revision + p.events.length - 1, firstPosition: first.position, idempotent: true };
    }
    const i = known.findIndex((k) => k !== undefined);
    throw new ConcurrencyError(
      'EVENT_ID_CONFLICT',
      `event id ${p.events[i]?.id} is already stored at another place or with other content: use a new id for a new event`,
      { stream: p.stream, eventId: p.events[i]?.id },
    );
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const { rows } = await this.query<EventRow>(
      `SELECT ${SELECT_COLUMNS} FROM ql_events WHERE stream = $1 AND revision >= $2 ORDER BY revision LIMIT $3`,
      [stream, options.fromRevision ?? 0, options.maxCount ?? null],
    );
    return rows.map(toRecorded);
  }

  async streamRevision(stream: string): Promise<number> {
    const { rows } = await this.query<{ revision: string }>('SELECT revision FROM ql_streams WHERE stream = $1', [stream]);
    return rows[0] ? Number(rows[0].revision) : -1;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const { rows } = await this.query<EventRow>(`SELECT ${SELECT_COLUMNS} FROM ql_events WHERE position >= $1 ORDER BY position LIMIT $2`, [
      options.fromPosition ?? 0,
      options.maxCount ?? null,
    ]);
    return rows.map(toRecorded);
  }

  async headPosition(): Promise<number> {
    const { rows } = await this.query<{ next_position: string }>('SELECT next_position FROM ql_log_head');
    return Number(rows[0]?.next_position ?? 0);
  }

  async *subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    let position = options.fromPosition ?? 0;
    const signal = options.signal;
    const pageSize = 500;
    while (!signal?.aborted && !this.closed) {
      const page = await this.readAll({ fromPosition: position, maxCount: pageSize });
      for (const e of page) {
        if (signal?.aborted) return;
        yield e;
        position = e.position + 1;
      }
      if (page.length < pageSize) await this.notifier.waitBeyond(position, signal);
    }
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.inFlight > 0 || this.scheduled || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
    await this.notifier.close();
  }

  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await this.options.pool.query<R>(sql, params);
    } catch (e) {
      throw toStoreError(e);
    }
  }
}

function describeExpected(e: ExpectedRevision): string {
  return e === 'no_stream' ? 'no stream' : e === 'any' ? 'any revision' : `revision ${e}`;
}

function toRecorded(r: EventRow): RecordedEvent {
  return {
    position: Number(r.position),
    stream: r.stream,
    revision: Number(r.revision),
    id: r.event_id,
    type: r.type,
    data: r.data,
    recordedAt: r.recorded_at,
  };
}

/** Keeps typed errors; turns driver and network failures into one clear Unavailable. */
export function toStoreError(e: unknown): LedgerError {
  if (e instanceof LedgerError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new Unavailable('STORE_UNAVAILABLE', `the PostgreSQL event store failed: ${message}`);
}
