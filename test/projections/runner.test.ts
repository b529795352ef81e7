import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type pg from 'pg';
import { IllegalState } from '../../src/domain/errors.js';
import type { Projection } from '../../src/projections/projection.js';
import { ProjectionService } from '../../src/projections/projection-service.js';
import { PROJECTIONS } from '../../src/projections/registry.js';
import { ProjectionRunner, migrateProjections } from '../../src/projections/runner.js';
import { meta, useLedgerFixture } from '../support/ledger-fixture.js';
import { appendSome, snapshot, waitFor } from './support.js';

const TABLES: Array<[string, string]> = [
  ['ql_audit_trail', 'position'],
  ['ql_signing_keys', 'kid'],
  ['ql_signing_key_history', 'position, sub'],
];

async function all(pool: pg.Pool): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [t, o] of TABLES) out[t] = await snapshot(pool, t, o);
  return out;
}

describe('projection runner', () => {
  const ctx = useLedgerFixture();

  it('live apply and a rebuild from zero give exactly the same rows', async () => {
    const { db, fx } = ctx;
    const live = new ProjectionService(db.pool, fx.store, PROJECTIONS);
    await live.migrate();
    live.start();
    let head: number;
    let previousKid: string;
    try {
      await appendSome(fx, 40);
      previousKid = (await fx.keyRing.rotate(meta())).previousKid;
      await appendSome(fx, 10, 't');
      await fx.keyRing.revoke(previousKid, 'test revocation', '2026-01-01T00:00:00.000Z', meta());
      await appendSome(fx, 5, 'u');
      head = await fx.store.headPosition();
      await waitFor(async () => (await live.status()).every((s) => s.position === head), 'live projections to reach the head');
      assert.ok((await live.status()).every((s) => s.lagEvents === 0 && s.lagMs === 0));
    } finally {
      await live.stop();
    }
    const afterLive = await all(db.pool);

    // The audit trail matches the log, event by event.
    assert.equal(afterLive['ql_audit_trail']!.length, head);
    const log = await fx.store.readAll();
    for (const [i, row] of afterLive['ql_audit_trail']!.entries()) {
      const r = JSON.parse(row) as Record<string, unknown>;
      const env = JSON.parse(log[i]!.data) as {
        hash: string;
        prev: string | null;
        sig: { kid: string; val: string };
        actor: { id: string };
      };
      assert.deepEqual(
        [r['position'], r['stream'], r['hash'], r['prev'], r['kid'], r['sig'], r['actor_id']],
        [i, log[i]!.stream, env.hash, env.prev, env.sig.kid, env.sig.val, env.actor.id],
      );
    }
    // The key chain: genesis retired by the rotation, then revoked; the new key active.
    const keys = afterLive['ql_signing_keys']!.map((k) => JSON.parse(k) as Record<string, unknown>);
    assert.equal(keys.length, 2);
    const old = keys.find((k) => k['kid'] === previousKid)!;
    assert.equal(old['status'], 'revoked');
    assert.equal(old['revocation_reason'], 'test revocation');
    assert.equal(keys.find((k) => k['kid'] !== previousKid)!['status'], 'active');
    assert.equal(afterLive['ql_signing_key_history']!.length, 4);

    const rebuilt = new ProjectionService(db.pool, fx.store, PROJECTIONS);
    await rebuilt.catchUp(undefined, { fromZero: true });
    assert.deepEqual(await all(db.pool), afterLive);
  });

  it('is idempotent: replaying from an old checkpoint writes no duplicates', async () => {
    const { db, fx } = ctx;
    const service = new ProjectionService(db.pool, fx.store, PROJECTIONS);
    await service.catchUp();
    const before = await all(db.pool);
    await db.pool.query('UPDATE ql_projection_checkpoints SET position = 3');
    await service.catchUp();
    assert.deepEqual(await all(db.pool), before);
    assert.ok((await service.status()).every((s) => s.lagEvents === 0));
  });

  it('runs one instance per projection at a time (lease)', async () => {
    const { db, fx } = ctx;
    const a = new ProjectionRunner(db.pool, fx.store, PROJECTIONS[0]!, { leaseRetryMs: 50 });
    const b = new ProjectionRunner(db.pool, fx.store, PROJECTIONS[0]!, { leaseRetryMs: 50 });
    a.start();
    try {
      await waitFor(async () => a.state.leader, 'the first runner to lead');
      b.start();
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(b.state.leader, false);
      await assert.rejects(
        new ProjectionRunner(db.pool, fx.store, PROJECTIONS[0]!).catchUp(),
        (e: unknown) => e instanceof IllegalState && e.code === 'PROJECTION_BUSY',
      );
      await a.stop();
      await waitFor(async () => b.state.leader, 'the standby to take over');
      await appendSome(fx, 3, 'v');
      const head = await fx.store.headPosition();
      await waitFor(async () => b.state.position === head, 'the standby to apply new events');
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('writes rows and checkpoint in one transaction: a failing batch leaves neither', async () => {
    const { db, fx } = ctx;
    let failAt = 5;
    const flaky: Projection = {
      name: 'test-flaky',
      version: 1,
      migrations: [{ version: 1, name: 't', sql: 'CREATE TABLE ql_test_flaky (position bigint PRIMARY KEY)' }],
      tables: ['ql_test_flaky'],
      async apply(events, tx) {
        for (const e of events) {
          await tx.query('INSERT INTO ql_test_flaky VALUES ($1)', [e.recorded.position]);
          if (e.recorded.position === failAt) throw new Error('boom');
        }
      },
    };
    await migrateProjections(db.pool, [flaky]);
    const runner = new ProjectionRunner(db.pool, fx.store, flaky, { batchSize: 4 });
    await assert.rejects(runner.catchUp(), /boom/);
    // Batches [0..3] committed; [4..7] failed at 5 and left nothing, checkpoint stays at 4.
    const rows = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM ql_test_flaky');
    assert.equal(Number(rows.rows[0]!.n), 4);
    const cp = await db.pool.query<{ position: string }>("SELECT position FROM ql_projection_checkpoints WHERE name = 'test-flaky'");
    assert.equal(Number(cp.rows[0]!.position), 4);
    failAt = -1;
    await runner.catchUp();
    const after = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM ql_test_flaky');
    assert.equal(Number(after.rows[0]!.n), await fx.store.headPosition());
  });

  it('rebuilds from zero when the projection version changes', async () => {
    const { db, fx } = ctx;
    const service = new ProjectionService(db.pool, fx.store, PROJECTIONS);
    await service.catchUp();
    await db.pool.query(
      'INSERT INTO ql_audit_trail SELECT position + 1000000, stream, category, revision, gen_random_uuid(), type, occurred_at, recorded_at, actor_id, actor_kind, correlation_id, hash, prev, kid, sig FROM ql_audit_trail WHERE position = 0',
    );
    await db.pool.query("UPDATE ql_projection_checkpoints SET version = 0 WHERE name = 'audit-trail'");
    await service.catchUp(['audit-trail']);
    const { rows } = await db.pool.query<{ n: string; max: string }>('SELECT count(*) AS n, max(position) AS max FROM ql_audit_trail');
    const head = await fx.store.headPosition();
    assert.equal(Number(rows[0]!.n), head, 'the stray row is gone: the table was rebuilt');
    assert.equal(Number(rows[0]!.max), head - 1);
  });
});
