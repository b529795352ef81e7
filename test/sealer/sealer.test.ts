import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  base64ToBytes,
  base64urlToBytes,
  leafHash,
  merkleRoot,
  verifyCheckpointNote,
  verifyConsistency,
  verifyInclusion,
  type EventEnvelope,
} from 'ledger-verify';
import pg from 'pg';
import { CHECKPOINT_STREAM } from '../../src/domain/checkpoints/checkpoints.js';
import { LedgerError } from '../../src/domain/errors.js';
import { STREAM_CATEGORIES } from '../../src/domain/streams.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import { ProofService, decodeHashes } from '../../src/ledger/proofs/proof-service.js';
import { MerkleStore } from '../../src/ledger/sealer/merkle-store.js';
import { Sealer, sealOnce } from '../../src/ledger/sealer/sealer.js';
import { counter, meta, ORIGIN, useLedgerFixture, type LedgerFixture } from '../support/ledger-fixture.js';

async function write(fx: LedgerFixture, stream: string, count: number): Promise<void> {
  await fx.writer.execute(stream, counter, { type: 'Increment', count }, meta());
}

/** The leaves as the format defines them: every event outside ledger-checkpoints, in global order. */
async function leafEvents(fx: LedgerFixture): Promise<EventEnvelope[]> {
  const all = await fx.store.readAll({ fromPosition: 0, maxCount: 100_000 });
  return all.filter((r) => r.stream !== CHECKPOINT_STREAM).map((r) => JSON.parse(r.data) as EventEnvelope);
}

function publicKeyOf(fx: LedgerFixture, kid: string): Uint8Array {
  const k = fx.keyRing.list().find((x) => x.kid === kid);
  assert.ok(k, `key ${kid} in the key ring`);
  return base64urlToBytes(k.publicKey) as Uint8Array;
}

async function until(what: string, cond: () => Promise<boolean> | boolean, waitMs = 20_000): Promise<void> {
  const end = Date.now() + waitMs;
  while (!(await cond())) {
    if (Date.now() > end) assert.fail(`gave up waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function checkpointsOf(fx: LedgerFixture): Promise<Array<{ size: number; root: string; note: string; kid: string }>> {
  return (await fx.store.readStream(CHECKPOINT_STREAM)).map((r) => {
    const e = JSON.parse(r.data) as EventEnvelope;
    return { ...(e.data as { size: number; root: string; note: string }), kid: e.sig.kid };
  });
}

describe('Merkle sealer', () => {
  const ctx = useLedgerFixture();

  it('seals a signed checkpoint whose root is the RFC 9162 root of the event hashes, and proves inclusion and consistency', async () => {
    const { fx, db } = ctx;
    await write(fx, 'run-a', 3);
    await write(fx, 'run-b', 2);
    await write(fx, 'project-x', 1);
    const first = await sealOnce({ store: fx.store, pool: db.pool, signing: fx.keyRing, leaseMs: 5000 });
    assert.ok(first);
    const leaves1 = await leafEvents(fx);
    assert.equal(first.size, leaves1.length); // genesis + 6 counter events
    assert.equal(first.size, 7);
    const root1 = merkleRoot(leaves1.map((e) => leafHash(e.hash)));
    assert.deepEqual(base64ToBytes(first.root), root1);
    const genesisKid = fx.keyRing.activeKid as string;
    const v1 = verifyCheckpointNote(first.note, { name: ORIGIN, publicKey: publicKeyOf(fx, genesisKid) });
    assert.ok(v1.ok, JSON.stringify(v1));
    assert.equal(v1.checkpoint.size, 7);

    // Nothing new: nothing sealed, nothing written.
    assert.equal(await sealOnce({ store: fx.store, pool: db.pool, signing: fx.keyRing, leaseMs: 5000 }), undefined);
    assert.equal((await checkpointsOf(fx)).length, 1);

    // A rotation, more events: the next checkpoint is signed by the new key, and consistent.
    await fx.keyRing.rotate(meta({ actor: { id: 'operator:test', kind: 'user' } }));
    await write(fx, 'run-a', 4);
    const second = await sealOnce({ store: fx.store, pool: db.pool, signing: fx.keyRing, leaseMs: 5000 });
    assert.ok(second);
    const leaves2 = await leafEvents(fx);
    assert.equal(second.size, leaves2.length);
    const newKid = fx.keyRing.activeKid as string;
    assert.notEqual(newKid, genesisKid);
    assert.ok(verifyCheckpointNote(second.note, { name: ORIGIN, publicKey: publicKeyOf(fx, newKid) }).ok);
    assert.equal(verifyCheckpointNote(second.note, { name: ORIGIN, publicKey: publicKeyOf(fx, genesisKid) }).ok, false);
    const stored = await checkpointsOf(fx);
    assert.deepEqual(
      stored.map((c) => [c.size, c.kid]),
      [
        [7, genesisKid],
        [second.size, newKid],
      ],
    );

    const proofs = new ProofService(fx.store, await MerkleStore.open(db.pool));
    const cons = await proofs.consistency(7);
    assert.equal(cons.to.size, second.size);
    assert.ok(verifyConsistency(7, second.size, root1, base64ToBytes(second.root) as Uint8Array, decodeHashes(cons.proof)));
    assert.equal(verifyConsistency(7, second.size, root1, root1, decodeHashes(cons.proof)), false, 'a wrong root fails');
    for (const [i, e] of leaves2.entries()) {
      const p = i % 2 === 0 ? await proofs.inclusion({ eventId: e.id }) : await proofs.inclusion({ leafIndex: i });
      assert.equal(p.leafIndex, i);
      assert.equal(p.eventHash, e.hash);
      assert.ok(verifyInclusion(i, p.treeSize, leafHash(e.hash), decodeHashes(p.proof), base64ToBytes(p.checkpoint.root) as Uint8Array));
    }
    const old = await proofs.inclusion({ leafIndex: 2 }, 7);
    assert.ok(verifyInclusion(2, 7, leafHash(leaves1[2]!.hash), decodeHashes(old.proof), root1));
    await assert.rejects(proofs.inclusion({ leafIndex: 8 }, 7), (e: unknown) => e instanceof LedgerError && e.code === 'LEAF_NOT_COVERED');
    await assert.rejects(proofs.checkpoint(8), (e: unknown) => e instanceof LedgerError && e.code === 'CHECKPOINT_NOT_FOUND');
    assert.deepEqual(
      (await proofs.listCheckpoints()).map((c) => c.size),
      [7, second.size],
    );
  });

  it('runs exactly one active sealer; when it dies a standby takes over and the checkpoints stay consistent', async () => {
    const { fx, db } = ctx;
    const poolA = new pg.Pool({ connectionString: db.url, max: 4 });
    poolA.on('error', () => undefined);
    const storeA = await PostgresEventStore.open({
      pool: poolA,
      connectionString: db.url,
      categories: new Set(STREAM_CATEGORIES),
      maxEventBytes: 64 * 1024,
      pollIntervalMs: 100,
    });
    const logs: string[] = [];
    const settings = { everyEvents: 5, intervalMs: 200, leaseMs: 900 };
    const a = new Sealer({
      store: storeA,
      pool: poolA,
      signing: fx.keyRing,
      ...settings,
      holder: 'sealer-a',
      log: (l) => logs.push(`A ${l}`),
    });
    const b = new Sealer({
      store: fx.store,
      pool: db.pool,
      signing: fx.keyRing,
      ...settings,
      holder: 'sealer-b',
      log: (l) => logs.push(`B ${l}`),
    });
    try {
      a.start();
      await until('A active', () => a.role === 'active');
      b.start();
      await until('B standing by', () => b.role === 'standby');
      await assert.rejects(
        sealOnce({ store: fx.store, pool: db.pool, signing: fx.keyRing, leaseMs: 5000 }),
        (e: unknown) => e instanceof LedgerError && e.code === 'SEALER_BUSY' && e.message.includes('sealer-a'),
      );
      for (let i = 0; i < 4; i++) await write(fx, `run-ha${i}`, 3);
      let leaves = (await leafEvents(fx)).length;
      await until(`A seals ${leaves} leaves`, async () => (await checkpointsOf(fx)).at(-1)?.size === leaves);
      assert.equal(b.role, 'standby');

      // A dies: its database connections go away, its lease is not renewed.
      await storeA.close();
      await poolA.end();
      for (let i = 0; i < 3; i++) await write(fx, `run-hb${i}`, 2);
      leaves = (await leafEvents(fx)).length;
      await until(
        `B takes over and seals ${leaves} leaves`,
        async () => b.role === 'active' && (await checkpointsOf(fx)).at(-1)?.size === leaves,
      );

      const all = await checkpointsOf(fx);
      const sizes = all.map((c) => c.size);
      assert.deepEqual(
        sizes,
        [...sizes].sort((x, y) => x - y),
      );
      assert.equal(new Set(sizes).size, sizes.length, 'no size sealed twice');
      const proofs = new ProofService(fx.store, await MerkleStore.open(db.pool));
      for (let i = 1; i < all.length; i++) {
        const p = await proofs.consistency(all[i - 1]!.size, all[i]!.size);
        assert.ok(
          verifyConsistency(
            p.from.size,
            p.to.size,
            base64ToBytes(p.from.root) as Uint8Array,
            base64ToBytes(p.to.root) as Uint8Array,
            decodeHashes(p.proof),
          ),
          `checkpoint ${p.from.size} -> ${p.to.size}`,
        );
      }
      const root = merkleRoot((await leafEvents(fx)).map((e) => leafHash(e.hash)));
      assert.deepEqual(base64ToBytes(all.at(-1)!.root), root);
      assert.ok(
        logs.some((l) => l.startsWith('B sealer: active (sealer-b')),
        logs.join('\n'),
      );
    } finally {
      await a.stop();
      await b.stop();
      await poolA.end().catch(() => undefined);
    }
    assert.equal(b.role, 'stopped');
  });
  it('stops loudly on a fork (the stored tree no longer matches the last checkpoint) and writes no checkpoint', async () => {
    const { fx, db } = ctx;
    await write(fx, 'run-fork', 2);
    await sealOnce({ store: fx.store, pool: db.pool, signing: fx.keyRing, leaseMs: 5000 });
    const before = await fx.store.streamRevision(CHECKPOINT_STREAM);
    await write(fx, 'run-fork', 1);
    const c = await db.pool.connect();
    try {
      await c.query('ALTER TABLE ql_merkle_nodes DISABLE TRIGGER ql_merkle_nodes_no_update');
      await c.query('UPDATE ql_merkle_nodes SET hash = sha256(hash)');
      await c.query('ALTER TABLE ql_merkle_nodes ENABLE TRIGGER ql_merkle_nodes_no_update');
    } finally {
      c.release();
    }
    await assert.rejects(
      sealOnce({ store: fx.store, pool: db.pool, signing: fx.keyRing, leaseMs: 5000 }),
      (e: unknown) => e instanceof LedgerError && e.code === 'CHECKPOINT_FORK' && /sealing stopped/.test(e.message),
    );
    assert.equal(await fx.store.streamRevision(CHECKPOINT_STREAM), before, 'no checkpoint written');

    // A running sealer that meets the same fork stops, says so, and writes nothing either.
    const logs: string[] = [];
    const sealer = new Sealer({
      store: fx.store,
      pool: db.pool,
      signing: fx.keyRing,
      everyEvents: 1,
      intervalMs: 100,
      leaseMs: 900,
      log: (l) => logs.push(l),
    });
    try {
      sealer.start();
      await until('the sealer fails', () => sealer.role === 'failed');
      assert.match(sealer.status().error ?? '', /\[CHECKPOINT_FORK\]$/);
      assert.ok(
        logs.some((l) => /^sealer: STOPPED: .*sealing stopped/.test(l)),
        logs.join('\n'),
      );
      assert.equal(await fx.store.streamRevision(CHECKPOINT_STREAM), before, 'no checkpoint written');
    } finally {
      await sealer.stop();
    }
    assert.equal(sealer.role, 'failed', 'stopping keeps the failure visible');
  });
});
