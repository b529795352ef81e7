import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { IllegalState } from '../../src/domain/errors.js';
import { STREAM_CATEGORIES } from '../../src/domain/streams.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import { rebatch } from '../../src/projections/batches.js';
import { SharedLogReader } from '../../src/projections/log-reader.js';
import type { Projection } from '../../src/projections/projection.js';
import { ProjectionService } from '../../src/projections/projection-service.js';
import { PROJECTIONS } from '../../src/projections/registry.js';
import { migrateProjections, ProjectionRunner } from '../../src/projections/runner.js';
import { useLedgerFixture } from '../support/ledger-fixture.js';
import { appendSome, snapshot, waitFor } from './support.js';

/** Takes positions from the reader until `until` (exclusive) is reached; `pause` runs after each chunk. */
async function collect(reader: SharedLogReader, from: number, until: () => number, pause?: () => Promise<void>): Promise<number[]> {
  const abort = new AbortController();
  const got: number[] = [];
  const deadline = setTimeout(() => abort.abort(), 30_000);
  try {
    for await (const chunk of reader.chunks(from, abort.signal)) {
      for (const e of chunk) {
        assert.equal(typeof e.envelope.hash, 'string', 'every event comes parsed');
        got.push(e.recorded.position);
      }
      if (got.length > 0 && got.at(-1)! + 1 >= until()) break;
      await pause?.();
    }
  } finally {
    clearTimeout(deadline);
  }
  return got;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** A projection of its own table whose batches wait at `gate` and fail while `failing` is set. */
function probe(name: string): { projection: Projection; gate: { wait: Promise<void> | undefined; failing: boolean } } {
  const gate: { wait: Promise<void> | undefined; failing: boolean } = { wait: undefined, failing: false };
  const table = `ql_test_${name.replace(/-/g, '_')}`;
  const projection: Projection = {
    name,
    version: 1,
    migrations: [{ version: 1, name: 't', sql: `CREATE TABLE ${table} (position bigint PRIMARY KEY)` }],
    tables: [table],
    async apply(events, tx) {
      await gate.wait;
      if (gate.failing) throw new Error(`${name} refuses the batch`);
      await tx.query(`INSERT INTO ${table} SELECT unnest($1::bigint[]) ON CONFLICT DO NOTHING`, [events.map((e) => e.recorded.position)]);
    },
  };
  return { projection, gate };
}

async function positionsIn(pool: pg.Pool, table: string): Promise<number[]> {
  const { rows } = await pool.query<{ p: string }>(`SELECT position AS p FROM ${table} ORDER BY position`);
  return rows.map((r) => Number(r.p));
}

describe('shared log reader (decision 0063)', () => {
  const ctx = useLedgerFixture();

  it('delivers every event exactly once and in order to each reader, wherever it starts and however slow it is', async () => {
    const { fx } = ctx;
    await appendSome(fx, 12, 'a');
    const middle = await fx.store.headPosition();
    // A buffer of 8 events: the slow reader falls out of it and catches up on its own.
    const reader = new SharedLogReader(fx.store, { pageSize: 5, maxBufferedEvents: 8 });
    let head = Infinity;
    try {
      const readers = Promise.all([
        collect(reader, 0, () => head),
        collect(reader, middle, () => head),
        collect(reader, middle, () => head),
        collect(
          reader,
          1,
          () => head,
          () => new Promise((r) => setTimeout(r, 30)),
        ),
      ]);
      await appendSome(fx, 40, 'b');
      head = await fx.store.headPosition();
      await appendSome(fx, 1, 'c'); // wakes any reader that waits at the old head
      const [fromZero, fromMiddle, again, slow] = await readers;
      assert.deepEqual(fromZero!.slice(0, head), range(0, head));
      assert.deepEqual(fromMiddle!.slice(0, head - middle), range(middle, head));
      assert.deepEqual(again!.slice(0, head - middle), range(middle, head));
      assert.deepEqual(slow!.slice(0, head - 1), range(1, head));
      for (const got of [fromZero!, fromMiddle!, again!, slow!])
        assert.deepEqual(
          got,
          [...new Set(got)].sort((x, y) => x - y),
        );
      const reads = reader.reads;
      assert.ok(reads.own > 0, 'the slow reader caught up from the store on its own');
      assert.ok(reads.shared >= head - middle, 'the live part was read by the shared subscription');
    } finally {
      reader.close();
    }
  });

  it('ends, as the store subscription does, when the store closes', async () => {
    const { db, fx } = ctx;
    const store = await PostgresEventStore.open({
      pool: db.pool,
      connectionString: db.url,
      categories: new Set(STREAM_CATEGORIES),
      maxEventBytes: 64 * 1024,
    });
    const reader = new SharedLogReader(store);
    const head = await fx.store.headPosition();
    const abort = new AbortController();
    const got: number[] = [];
    const reading = (async () => {
      for await (const chunk of reader.chunks(0, abort.signal)) got.push(...chunk.map((e) => e.recorded.position));
    })();
    await waitFor(async () => got.length === head, 'the reader to reach the head');
    await store.close();
    await reading; // returns: no reader left spinning on a closed store
    assert.equal(abort.signal.aborted, false);
    assert.deepEqual(got, range(0, head));
  });

  it('regroups chunks into batches of at most the batch size, in order', async () => {
    async function* chunks(): AsyncGenerator<number[]> {
      yield [0, 1, 2, 3, 4, 5, 6];
      yield [7];
      await new Promise((r) => setTimeout(r, 20));
      yield [8, 9];
    }
    const out: number[][] = [];
    for await (const b of rebatch(chunks(), 3, 0)) out.push(b);
    assert.deepEqual(out.flat(), range(0, 10));
    assert.ok(out.every((b) => b.length >= 1 && b.length <= 3));
    assert.deepEqual(out.slice(0, 2), [
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it('a stalled or failing runner does not hold the others back; it catches up by itself and rejoins', async () => {
    const { db, fx } = ctx;
    const stalled = probe('test-stalled');
    const failing = probe('test-failing');
    const reader = new SharedLogReader(fx.store, { pageSize: 5, maxBufferedEvents: 10 });
    const projections = [...PROJECTIONS, stalled.projection, failing.projection];
    // The service's runners use pipeline-mode connections (decision 0058): so do these.
    const piped = new pg.Pool({ connectionString: db.url, max: projections.length + 2, pipeline: true } as pg.PoolConfig);
    const service = new ProjectionService(piped, fx.store, projections, { source: reader, batchSize: 7, lingerMs: 0 });
    await service.migrate();
    let release!: () => void;
    stalled.gate.wait = new Promise((r) => (release = r));
    failing.gate.failing = true;
    service.start();
    try {
      await appendSome(fx, 30, 'd');
      const head = await fx.store.headPosition();
      const others = (s: Awaited<ReturnType<ProjectionService['status']>>): boolean =>
        s.filter((p) => !p.name.startsWith('test-')).every((p) => p.position === head);
      await waitFor(async () => others(await service.status()), 'the other runners to reach the head');
      const status = await service.status();
      assert.ok(status.find((s) => s.name === 'test-stalled')!.position < head, 'the stalled runner is still behind');
      assert.match(status.find((s) => s.name === 'test-failing')!.lastError ?? '', /refuses the batch/);
      assert.deepEqual(await positionsIn(db.pool, 'ql_test_test_failing'), [], 'a failed batch leaves no rows');

      const ownBefore = reader.reads.own;
      release();
      failing.gate.failing = false;
      await appendSome(fx, 4, 'e');
      const newHead = await fx.store.headPosition();
      await waitFor(async () => (await service.status()).every((p) => p.position === newHead), 'every runner to reach the new head');
      assert.ok(reader.reads.own > ownBefore, 'the runners that fell behind the buffer read the store on their own');
      assert.deepEqual(await positionsIn(db.pool, 'ql_test_test_stalled'), range(0, newHead));
      assert.deepEqual(await positionsIn(db.pool, 'ql_test_test_failing'), range(0, newHead));
    } finally {
      release();
      await service.stop();
      reader.close();
      await piped.end();
    }
  });

  it('stop and start again, and a lease handed over to another process, miss nothing', async () => {
    const { db, fx } = ctx;
    const a = new ProjectionService(db.pool, fx.store, PROJECTIONS, { leaseRetryMs: 50 });
    const b = new ProjectionService(db.pool, fx.store, PROJECTIONS, { leaseRetryMs: 50 });
    await a.migrate();
    try {
      a.start();
      await appendSome(fx, 8, 'f');
      let head = await fx.store.headPosition();
      await waitFor(async () => (await a.status()).every((s) => s.position === head && s.leader), 'the first service to lead at the head');
      await a.stop();
      await appendSome(fx, 8, 'g');
      a.start();
      head = await fx.store.headPosition();
      await waitFor(async () => (await a.status()).every((s) => s.position === head), 'the restarted service to reach the head');

      b.start();
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(
        (await b.status()).every((s) => !s.leader),
        'the second service stands by while the first holds the leases',
      );
      await a.stop();
      await waitFor(async () => (await b.status()).every((s) => s.leader), 'the standby to take every lease');
      await appendSome(fx, 8, 'h');
      head = await fx.store.headPosition();
      await waitFor(async () => (await b.status()).every((s) => s.position === head), 'the new leader to apply new events');
    } finally {
      await a.stop();
      await b.stop();
    }
    // What the runners built live, through stops and a handover, equals a rebuild from zero.
    const audit = await snapshot(db.pool, 'ql_audit_trail', 'position');
    assert.equal(audit.length, await fx.store.headPosition());
    await new ProjectionService(db.pool, fx.store, PROJECTIONS).catchUp(undefined, { fromZero: true });
    assert.deepEqual(await snapshot(db.pool, 'ql_audit_trail', 'position'), audit);
  });

  for (const pipeline of [true, false]) {
    it(`rolls a batch back when its checkpoint was moved by someone else meanwhile (${pipeline ? 'pipeline mode' : 'one query at a time'})`, async () => {
      const { db, fx } = ctx;
      const pool = new pg.Pool({ connectionString: db.url, max: 3, pipeline } as pg.PoolConfig);
      const name = `test-moved-${pipeline ? 'piped' : 'plain'}`;
      const table = `ql_test_moved_${pipeline ? 'piped' : 'plain'}`;
      const moved: Projection = {
        name,
        version: 1,
        migrations: [{ version: 1, name: 't', sql: `CREATE TABLE ${table} (position bigint PRIMARY KEY)` }],
        tables: [table],
        async apply(events, tx) {
          await tx.query(`INSERT INTO ${table} SELECT unnest($1::bigint[])`, [events.map((e) => e.recorded.position)]);
          // Another process moves the checkpoint while this batch is being applied.
          await db.pool.query('UPDATE ql_projection_checkpoints SET position = position + 1000000 WHERE name = $1', [name]);
        },
      };
      try {
        await migrateProjections(pool, [moved]);
        await assert.rejects(
          new ProjectionRunner(pool, fx.store, moved).catchUp(),
          (e: unknown) => e instanceof IllegalState && e.code === 'PROJECTION_MOVED',
        );
        assert.deepEqual(await positionsIn(db.pool, table), [], 'the batch left no rows');
        const { rows } = await db.pool.query<{ p: string }>('SELECT position AS p FROM ql_projection_checkpoints WHERE name = $1', [name]);
        assert.equal(Number(rows[0]!.p), 1_000_000, 'the checkpoint is where the other process put it');
      } finally {
        await pool.end();
      }
    });
  }
});
