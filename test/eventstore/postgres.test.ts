import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { STREAM_CATEGORIES } from '../../src/domain/streams.js';
import { batchParams, textArray } from '../../src/eventstore/postgres/append-batch.js';
import { EVENTSTORE_MIGRATIONS } from '../../src/eventstore/postgres/migrations.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import type { RecordedEvent } from '../../src/eventstore/port.js';
import { migrate } from '../../src/pg/migrate.js';
import { freshDatabase, type TestDatabase } from '../support/pg.js';
import { eventStoreContract } from './contract.js';

const categories = new Set<string>(STREAM_CATEGORIES);
const pgUtils = (pg as unknown as { utils: { prepareValue(v: unknown): unknown } }).utils;

async function openStore(db: TestDatabase, pollIntervalMs = 1000): Promise<PostgresEventStore> {
  return PostgresEventStore.open({ pool: db.pool, connectionString: db.url, categories, maxEventBytes: 1024 * 1024, pollIntervalMs });
}

eventStoreContract('PostgreSQL adapter on the embedded PostgreSQL', async () => {
  const db = await freshDatabase();
  const store = await openStore(db);
  return { store, close: async () => (await store.close(), await db.drop()) };
});

const external = process.env['QLEDGER_PG_URL'];
if (external) {
  eventStoreContract('PostgreSQL adapter on QLEDGER_PG_URL', async () => {
    const db = await freshDatabase(external);
    const store = await openStore(db);
    return { store, close: async () => (await store.close(), await db.drop()) };
  });
} else {
  describe('event store contract: PostgreSQL adapter on QLEDGER_PG_URL', () => {
    it(
      'runs against an external PostgreSQL',
      { skip: 'QLEDGER_PG_URL is not set: set it to a PostgreSQL URL to run the contract suite there too' },
      () => {
        assert.fail('skipped tests do not run');
      },
    );
  });
}

describe('PostgreSQL adapter specifics', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  before(async () => {
    db = await freshDatabase();
    store = await openStore(db);
  });
  after(async () => {
    await store.close();
    await db.drop();
  });

  it('never lets a reader skip an event whose transaction took its position first and commits last', async () => {
    const s = `run-${randomUUID()}`;
    await store.append(s, 'no_stream', [{ id: randomUUID(), type: 'T', data: '{}' }]);
    const from = await store.headPosition();
    const controller = new AbortController();
    const seen: RecordedEvent[] = [];
    const reader = (async () => {
      for await (const e of store.subscribeToAll({ fromPosition: from, signal: controller.signal })) {
        seen.push(e);
        if (seen.length === 2) break;
      }
    })();

    // A slow writer (another connection, as another replica would) takes position `from`
    // exactly as the adapter does, and holds its transaction open.
    const slow = await db.pool.connect();
    await slow.query('BEGIN');
    const { rows } = await slow.query<{ next_position: string }>('SELECT next_position FROM ql_log_head FOR UPDATE');
    assert.equal(Number(rows[0]!.next_position), from);
    const slowId = randomUUID();
    await slow.query(`INSERT INTO ql_events (position, stream, revision, event_id, type, data) VALUES ($1, $2, 0, $3, 'T', '{}')`, [
      from,
      `run-${randomUUID()}`,
      slowId,
    ]);
    await slow.query('UPDATE ql_log_head SET next_position = $1', [from + 1]);

    // A fast writer starts later: it cannot commit before the slow one.
    let fastDone = false;
    const fast = store.append(`run-${randomUUID()}`, 'no_stream', [{ id: randomUUID(), type: 'T', data: '{}' }]).then((r) => {
      fastDone = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(fastDone, false, 'the fast append committed while an earlier position was uncommitted');
    assert.deepEqual(await store.readAll({ fromPosition: from }), [], 'an uncommitted position became readable');

    await slow.query('COMMIT');
    slow.release();
    const r = await fast;
    assert.equal(r.firstPosition, from + 1);
    const timer = setTimeout(() => controller.abort(), 10_000);
    await reader;
    clearTimeout(timer);
    assert.deepEqual(
      seen.map((e) => e.position),
      [from, from + 1],
    );
    assert.equal(seen[0]!.id, slowId);
  });

  it('refuses to update, delete or truncate stored events', async () => {
    const s = `run-${randomUUID()}`;
    await store.append(s, 'no_stream', [{ id: randomUUID(), type: 'T', data: '{"v":1}' }]);
    await assert.rejects(db.pool.query(`UPDATE ql_events SET data = '{"v":2}' WHERE stream = $1`, [s]), /append-only/);
    await assert.rejects(db.pool.query('DELETE FROM ql_events WHERE stream = $1', [s]), /append-only/);
    await assert.rejects(db.pool.query('TRUNCATE ql_events'), /append-only/);
    assert.equal(JSON.parse((await store.readStream(s))[0]!.data).v, 1);
  });

  it('applies migrations once, and refuses to start when an applied migration was changed', async () => {
    assert.equal(await migrate(db.pool, 'eventstore', EVENTSTORE_MIGRATIONS), 0);
    const changed = EVENTSTORE_MIGRATIONS.map((m) => ({ ...m, sql: `${m.sql}\n-- edited` }));
    await assert.rejects(migrate(db.pool, 'eventstore', changed), (e: unknown) => (e as { code?: string }).code === 'MIGRATION_CHANGED');
  });

  it('group-commits concurrent appends and fails only the conflicting one', async () => {
    const s = `run-${randomUUID()}`;
    await store.append(s, 'no_stream', [{ id: randomUUID(), type: 'T', data: '{}' }]);
    const others = Array.from({ length: 20 }, () => `run-${randomUUID()}`);
    const results = await Promise.allSettled([
      store.append(s, 7, [{ id: randomUUID(), type: 'T', data: '{}' }]),
      ...others.map((o) => store.append(o, 'no_stream', [{ id: randomUUID(), type: 'T', data: '{}' }])),
    ]);
    assert.equal(results[0]!.status, 'rejected');
    assert.equal(results.slice(1).filter((r) => r.status === 'fulfilled').length, 20);
  });

  it('stores data byte for byte however its text is escaped in the batch (quotes, backslashes, Unicode, raw control characters)', async () => {
    const texts = [
      '{"a":"\\"quoted\\" and \\\\ backslash"}',
      '{"u":"é 中文 😀 \u2028 \u2029"}',
      '{"s":"{,}\\u0000 NULL null"}',
      '{\n\t"raw":"whitespace between tokens"\r\n}',
    ];
    // Concurrent appends form one batch (the JSON texts travel joined by U+0001, decision 0062),
    // with and without the text that holds raw whitespace.
    for (const batch of [texts.slice(0, 3), texts]) {
      const appends = batch.map((data) => {
        const s = `run-${randomUUID()}`;
        return store.append(s, 'no_stream', [{ id: randomUUID(), type: 'T', data }]).then(async () => (await store.readStream(s))[0]!.data);
      });
      assert.deepEqual(await Promise.all(appends), batch);
    }
  });
});

describe('text[] parameters of the append batch', () => {
  it('given well-formed strings without control characters, then the literal is what node-postgres writes', () => {
    const values = ['plain', 'with "quotes"', 'back\\slash \\"', 'é 中文 😀 \u2028', '{,}', 'NULL', ''];
    assert.equal(textArray(values), pgUtils.prepareValue(values));
  });

  it('given a control character or a lone surrogate, then the array is left to node-postgres', () => {
    for (const odd of ['line\nbreak', 'tab\t', 'lone \ud800 surrogate']) {
      const values = ['ok', odd];
      assert.equal(textArray(values), values);
    }
  });
});

describe('batch parameters', () => {
  it('given the events of a batch, then their JSON texts travel as one text joined by U+0001, in order', () => {
    const events = ['{"a":1}', '{\n"b":"x\\u0001y"}', '{}'].map((data) => ({ id: randomUUID(), type: 'T', data }));
    const params = batchParams([{ stream: 'run-a', expected: 'no_stream', events, preconditions: [] }], 'ql_events');
    assert.deepEqual(
      String(params[10]).split('\u0001'),
      events.map((e) => e.data),
    );
  });

  it('given a text holding U+0001 (never JSON), then the batch is refused before anything is sent', () => {
    const events = [{ id: randomUUID(), type: 'T', data: '"a\u0001b"' }];
    assert.throws(() => batchParams([{ stream: 'run-a', expected: 'any', events, preconditions: [] }], 'ql_events'), /U\+0001/);
  });
});
