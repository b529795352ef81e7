import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  base64ToBytes,
  hexToBytes,
  leafHash,
  verifyCheckpointNote,
  verifyConsistency,
  verifyInclusion,
  type EventEnvelope,
} from 'ledger-verify';
import { sealOnce } from '../../src/ledger/sealer/sealer.js';
import { startTestApp, type TestApp } from '../auth/app-fixture.js';
import { http } from '../e2e/support.js';
import { counter, meta, ORIGIN, useLedgerFixture } from '../support/ledger-fixture.js';

const b64 = (s: string): Uint8Array => base64ToBytes(s) as Uint8Array;

describe('REST: checkpoints and Merkle proofs for auditors, checked offline with ledger-verify', () => {
  const ctx = useLedgerFixture();
  let app: TestApp;
  before(async () => {
    app = await startTestApp(ctx.db, ctx.fx);
  });
  after(async () => {
    await app.close();
  });

  it('serves signed checkpoints, an inclusion proof of an event and a consistency proof that verify', async () => {
    const { fx, db } = ctx;
    const seal = () => sealOnce({ store: fx.store, pool: db.pool, signing: fx.keyRing, leaseMs: 5000 });
    const written = await fx.writer.execute('run-proofs-a', counter, { type: 'Increment', count: 3 }, meta());
    assert.ok(await seal());
    await fx.writer.execute('run-proofs-b', counter, { type: 'Increment', count: 4 }, meta());
    assert.ok(await seal());
    const auditor = await app.token('auditor');

    const list = await http(app.url, 'GET', '/ledger/checkpoints', auditor);
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const checkpoints = list.body as { size: number; root: string; note: string }[];
    assert.equal(checkpoints.length, 2);
    const publicKey = Buffer.from(fx.keyRing.list().find((k) => k.kid === fx.keyRing.activeKid)!.publicKey, 'base64url');
    for (const c of checkpoints) {
      const v = verifyCheckpointNote(c.note, { name: ORIGIN, publicKey: new Uint8Array(publicKey) });
      assert.ok(v.ok, JSON.stringify(v));
      assert.equal(v.checkpoint.size, c.size);
    }
    const [older, newer] = checkpoints as [(typeof checkpoints)[0], (typeof checkpoints)[0]];

    const event = written.events[1] as EventEnvelope;
    const inc = await http(app.url, 'GET', `/ledger/proofs/inclusion?event_id=${event.id}&tree_size=${newer.size}`, auditor);
    assert.equal(inc.status, 200, JSON.stringify(inc.body));
    assert.equal(inc.body.treeSize, newer.size);
    const leaf = leafHash(hexToBytes(event.hash) as Uint8Array);
    assert.ok(verifyInclusion(inc.body.leafIndex, newer.size, leaf, (inc.body.proof as string[]).map(b64), b64(newer.root)));
    // The same proof does not verify for another leaf index: the test can fail.
    assert.equal(verifyInclusion(inc.body.leafIndex + 1, newer.size, leaf, (inc.body.proof as string[]).map(b64), b64(newer.root)), false);

    const con = await http(app.url, 'GET', `/ledger/proofs/consistency?from=${older.size}&to=${newer.size}`, auditor);
    assert.equal(con.status, 200, JSON.stringify(con.body));
    assert.ok(verifyConsistency(older.size, newer.size, b64(older.root), b64(newer.root), (con.body.proof as string[]).map(b64)));
  });

  it('refuses a project-scoped auditor (the log is ledger-wide) and an unknown checkpoint size without revealing more', async () => {
    const scoped = await http(app.url, 'GET', '/ledger/checkpoints', await app.token('auditor', ['p1']));
    assert.equal(scoped.status, 403);
    const unknown = await http(app.url, 'GET', '/ledger/proofs/consistency?from=1&to=999999', await app.token('auditor'));
    assert.equal(unknown.status, 404, JSON.stringify(unknown.body));
  });
});
