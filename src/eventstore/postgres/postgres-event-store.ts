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
  StreamPrecondition,
  SubscribeOptions,
} from '../port.js';
import { validateAppend, type AppendLimits } from '../validate-append.js';
import { EVENTSTORE_MIGRATIONS } from './migrations.js';
import { AppendNotifier } from './notifier.js';

export interface PostgresEventStoreOptions extends AppendLimits {
  readonly pool: pg.Pool;
  /** Connection string for the LISTEN connection of live subscriptions. */
  readonly connectionString: string;
  /** Upper bound of events committed in one group-commit transaction. */
  readonly maxBatchEvents?: number;
  /** Poll interval of live subscriptions when no notification arrives (ms). */
  readonly pollIntervalMs?: number;
}

interface Pending {
  readonly stream: string;
  readonly expected: ExpectedRevision;
  readonly events: readonly EventToAppend[];
  readonly preconditions: readonly StreamPrecondition[];
  readonly resolve: (r: AppendResult) => void;
  readonly reject: (e: unknown) => void;
}

interface StoredRef {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
  readonly data: string;
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
 * PostgreSQL adapter. Concurrent appends are group-committed: while one transaction is in
 * flight, new appends queue, and the next transaction takes them all (up to
 * `maxBatchEvents`). Each append is still checked and applied on its own (a conflict fails
 * only that append), and every append is all-or-nothing.
 */
export class PostgresEventStore implements EventStore {
  private readonly queue: Pending[] = [];
  private flushing = false;
  private closed = false;
  private readonly notifier: AppendNotifier;
  private readonly maxBatchEvents: number;

  private constructor(private readonly options: PostgresEventStoreOptions) {
    this.maxBatchEvents = options.maxBatchEvents ?? 2000;
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
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch: Pending[] = [];
        let count = 0;
        while (this.queue.length > 0) {
          const next = this.queue[0] as Pending;
          if (batch.length > 0 && count + next.events.length > this.maxBatchEvents) break;
          batch.push(next);
          count += next.events.length;
          this.queue.shift();
        }
        try {
          await this.commitBatch(batch);
        } catch (e) {
          const err = toStoreError(e);
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async commitBatch(batch: readonly Pending[]): Promise<void> {
    const streams = new Set<string>();
    const ids: string[] = [];
    for (const p of batch) {
      streams.add(p.stream);
      for (const c of p.preconditions) streams.add(c.stream);
      for (const e of p.events) ids.push(e.id);
    }
    const client = await this.options.pool.connect();
    const outcomes: Array<() => void> = [];
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{
        head: string;
        streams: Array<[string, number]>;
        existing: Array<[string, string, number, number, string]>;
      }>(
        `WITH head AS (SELECT next_position FROM ql_log_head FOR UPDATE)
         SELECT (SELECT next_position FROM head) AS head,
           (SELECT coalesce(json_agg(json_build_array(stream, revision)), '[]') FROM ql_streams WHERE stream = ANY($1::text[])) AS streams,
           (SELECT coalesce(json_agg(json_build_array(event_id, stream, revision, position, data)), '[]') FROM ql_events WHERE event_id = ANY($2::uuid[])) AS existing`,
        [[...streams], ids],
      );
      const row = rows[0];
      if (!row) throw new Error('ql_log_head is empty: the event store schema is damaged');
      const head = Number(row.head);
      const revisions = new Map<string, number>(row.streams.map(([s, r]) => [s, Number(r)]));
      const stored = new Map<string, StoredRef>(
        row.existing.map(([id, stream, revision, position, data]) => [
          id,
          { stream, revision: Number(revision), position: Number(position), data },
        ]),
      );

      const ins = {
        position: [] as number[],
        stream: [] as string[],
        revision: [] as number[],
        id: [] as string[],
        type: [] as string[],
        data: [] as string[],
      };
      const touched = new Map<string, number>();
      for (const p of batch) {
        const decided = decideOne(p, revisions, stored, head + ins.position.length);
        if (decided.kind === 'fail') {
          outcomes.push(() => p.reject(decided.error));
          continue;
        }
        if (decided.kind === 'idempotent') {
          outcomes.push(() => p.resolve(decided.result));
          continue;
        }
        const current = revisions.get(p.stream) ?? -1;
        const first = head + ins.position.length;
        p.events.forEach((e, i) => {
          const position = first + i;
          const revision = current + 1 + i;
          ins.position.push(position);
          ins.stream.push(p.stream);
          ins.revision.push(revision);
          ins.id.push(e.id);
          ins.type.push(e.type);
          ins.data.push(e.data);
          stored.set(e.id, { stream: p.stream, revision, position, data: e.data });
        });
        const last = current + p.events.length;
        revisions.set(p.stream, last);
        touched.set(p.stream, last);
        const result: AppendResult = { nextExpectedRevision: last, firstPosition: first, idempotent: false };
        outcomes.push(() => p.resolve(result));
      }

      if (ins.position.length > 0) {
        const newHead = head + ins.position.length;
        await client.query(
          `WITH ins AS (
             INSERT INTO ql_events (position, stream, revision, event_id, type, data)
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::uuid[], $5::text[], $6::text[])),
           st AS (
             INSERT INTO ql_streams (stream, revision) SELECT * FROM unnest($7::text[], $8::bigint[])
             ON CONFLICT (stream) DO UPDATE SET revision = EXCLUDED.revision),
           hd AS (UPDATE ql_log_head SET next_position = $9)
           SELECT pg_notify('${NOTIFY_CHANNEL}', $9::text)`,
          [ins.position, ins.stream, ins.revision, ins.id, ins.type, ins.data, [...touched.keys()], [...touched.values()], newHead],
        );
        await client.query('COMMIT');
        this.notifier.localAppend(newHead);
      } else {
        await client.query('ROLLBACK');
      }
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(e instanceof Error ? e : true);
      throw e;
    }
    client.release();
    for (const settle of outcomes) settle();
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
    while (this.flushing) await new Promise((r) => setTimeout(r, 5));
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

type Decision = { kind: 'fail'; error: LedgerError } | { kind: 'idempotent'; result: AppendResult } | { kind: 'append' };

/** Checks one queued append against the state the batch has built so far. */
function decideOne(
  p: Pending,
  revisions: ReadonlyMap<string, number>,
  stored: ReadonlyMap<string, StoredRef>,
  nextPosition: number,
): Decision {
  const known = p.events.map((e) => stored.get(e.id));
  if (known.some((k) => k !== undefined)) {
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
      return {
        kind: 'idempotent',
        result: { nextExpectedRevision: first.revision + p.events.length - 1, firstPosition: first.position, idempotent: true },
      };
    }
    const i = known.findIndex((k) => k !== undefined);
    return {
      kind: 'fail',
      error: new ConcurrencyError(
        'EVENT_ID_CONFLICT',
        `event id ${p.events[i]?.id} is already stored at another place or with other content: use a new id for a new event`,
        { stream: p.stream, eventId: p.events[i]?.id },
      ),
    };
  }
  for (const c of p.preconditions) {
    const actual = revisions.get(c.stream) ?? -1;
    if (actual !== c.revision) {
      return {
        kind: 'fail',
        error: new ConcurrencyError(
          'PRECONDITION_FAILED',
          `append to "${p.stream}" required "${c.stream}" at revision ${c.revision}, but it is at ${actual}: reload and retry`,
          { stream: p.stream, preconditionStream: c.stream, expected: c.revision, actual },
        ),
      };
    }
  }
  const current = revisions.get(p.stream) ?? -1;
  const ok = p.expected === 'any' || (p.expected === 'no_stream' ? current === -1 : current === p.expected);
  if (!ok) {
    return {
      kind: 'fail',
      error: new ConcurrencyError(
        'WRONG_EXPECTED_REVISION',
        `append to "${p.stream}" expected ${describeExpected(p.expected)}, but the stream is at ${current === -1 ? 'no stream' : `revision ${current}`}: reload the stream and decide again`,
        { stream: p.stream, expected: p.expected, actual: current, position: nextPosition },
      ),
    };
  }
  return { kind: 'append' };
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
