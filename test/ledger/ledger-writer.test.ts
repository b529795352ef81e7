import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { KeyChain, verifyEvent, type EventEnvelope } from 'ledger-verify';
import { LedgerError } from '../../src/domain/errors.js';
import { KEYRING_STREAM } from '../../src/domain/keyring/keyring.js';
import { KeyRingService } from '../../src/ledger/keys/key-ring-service.js';
import { LocalKeystore } from '../../src/ledger/keys/keystore.js';
import { LedgerWriter } from '../../src/ledger/ledger-writer.js';
import { counter, meta, ORIGIN, useLedgerFixture, type LedgerFixture } from '../support/ledger-fixture.js';

/** Verifies the whole log as an auditor would: key chain from the trust root, hashes, signatures, per-stream chains. */
async function verifyLog(fx: LedgerFixture): Promise<number> {
  const chain = new KeyChain({ origin: ORIGIN, trustRoot: fx.trustRoot });
  const heads = new Map<string, EventEnvelope>();
  const all = await fx.store.readAll();
  for (const r of all) {
    const e = JSON.parse(r.data) as EventEnvelope;
    if (e.stream === KEYRING_STREAM) chain.apply(e, r.position);
    const signer = chain.checkSigner(e, r.position);
    assert.ok(signer.ok, `position ${r.position}: ${signer.ok ? '' : signer.message}`);
    const v = verifyEvent(e, signer.publicKey);
    assert.ok(v.ok, `position ${r.position}: ${v.ok ? '' : v.message}`);
    const prev = heads.get(e.stream);
    assert.equal(e.revision, prev ? prev.revision + 1 : 0, `${e.stream} revision`);
    assert.equal(e.prev, prev ? prev.hash : null, `${e.stream} prev`);
    assert.equal(e.origin, ORIGIN);
    heads.set(e.stream, e);
  }
  return all.length;
}

describe('ledger writer', () => {
  const t = useLedgerFixture();

  it('seals events with envelope, chain and signature that an offline verifier accepts', async () => {
    const s = `run-${randomUUID()}`;
    const m = meta();
    const r = await t.fx.writer.execute(s, counter, { type: 'Increment', count: 3 }, m);
    assert.equal(r.revision, 2);
    assert.deepEqual(
      r.events.map((e) => [e.revision, e.type, e.data]),
      [
        [0, 'Incremented', { value: 1 }],
        [1, 'Incremented', { value: 2 }],
        [2, 'Incremented', { value: 3 }],
      ],
    );
    const e0 = r.events[0]!;
    assert.equal(e0.prev, null);
    assert.equal(r.events[1]!.prev, e0.hash);
    assert.deepEqual(e0.meta, { correlationId: m.correlationId, causationId: m.causationId, commandId: m.commandId });
    assert.equal(e0.sig.kid, t.fx.keyRing.activeKid);
    assert.match(e0.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.ok((await verifyLog(t.fx)) >= 4);
  });

  it('stores each envelope as its canonical JSON, byte for byte', async () => {
    const s = `run-${randomUUID()}`;
    const r = await t.fx.writer.execute(s, counter, { type: 'Increment', count: 1, payload: { z: 1, a: [true, null, 'é'] } }, meta());
    const stored = (await t.fx.store.readStream(s))[0]!.data;
    const { canonicalize } = await import('ledger-verify');
    assert.equal(stored, canonicalize(r.events[0]));
  });

  it('given a command already recorded, when it is executed again, then nothing new is written', async () => {
    const s = `run-${randomUUID()}`;
    const m = meta();
    const first = await t.fx.writer.execute(s, counter, { type: 'Increment', count: 2 }, m);
    const head = await t.fx.store.headPosition();
    const again = await new LedgerWriter(t.fx.store, t.fx.keyRing).execute(s, counter, { type: 'Increment', count: 2 }, m);
    assert.equal(again.idempotent, true);
    assert.deepEqual(
      again.events.map((e) => e.id),
      first.events.map((e) => e.id),
    );
    assert.equal(await t.fx.store.headPosition(), head);
  });

  it('given concurrent commands on one stream from separate writers, the chain never forks', async () => {
    const s = `run-${randomUUID()}`;
    const writers = Array.from({ length: 6 }, () => new LedgerWriter(t.fx.store, t.fx.keyRing, { maxAttempts: 50 }));
    await Promise.all(
      writers.flatMap((w) => Array.from({ length: 5 }, () => w.execute(s, counter, { type: 'Increment', count: 1 }, meta()))),
    );
    const events = (await t.fx.store.readStream(s)).map((r) => JSON.parse(r.data) as EventEnvelope);
    assert.equal(events.length, 30);
    events.forEach((e, i) => {
      assert.equal(e.revision, i);
      assert.equal((e.data as { value: number }).value, i + 1, 'every command decided on the latest state');
      assert.equal(e.prev, i === 0 ? null : events[i - 1]!.hash);
    });
    await verifyLog(t.fx);
  });

  it('rejects non-I-JSON data with a typed error and writes nothing', async () => {
    const head = await t.fx.store.headPosition();
    for (const payload of [Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53 + 2, { s: '\ud800' }]) {
      await assert.rejects(
        t.fx.writer.execute(`run-${randomUUID()}`, counter, { type: 'Increment', count: 1, payload }, meta()),
        (e: unknown) => {
          assert.ok(e instanceof LedgerError && e.kind === 'ValidationError', String(e));
          assert.equal(e.code, 'NOT_I_JSON');
          return true;
        },
      );
    }
    assert.equal(await t.fx.store.headPosition(), head);
  });

  it('rejects metadata with a personal-looking actor or a bad timestamp, and writes nothing', async () => {
    const head = await t.fx.store.headPosition();
    for (const bad of [
      meta({ actor: { id: 'ana.silva@example.com', kind: 'user' } }),
      meta({ actor: { id: 'Ana Silva', kind: 'user' } }),
      meta({ occurredAt: '2026-01-01 10:00' }),
    ]) {
      await assert.rejects(t.fx.writer.execute(`run-${randomUUID()}`, counter, { type: 'Increment', count: 1 }, bad), {
        code: 'INVALID_METADATA',
      });
    }
    assert.equal(await t.fx.store.headPosition(), head);
  });

  it('rejects an unknown stream category and an oversized event, and writes nothing', async () => {
    const head = await t.fx.store.headPosition();
    await assert.rejects(t.fx.writer.execute(`bogus-${randomUUID()}`, counter, { type: 'Increment', count: 1 }, meta()), {
      code: 'UNKNOWN_STREAM_CATEGORY',
    });
    await assert.rejects(
      t.fx.writer.execute(`run-${randomUUID()}`, counter, { type: 'Increment', count: 1, payload: 'x'.repeat(70_000) }, meta()),
      { code: 'EVENT_TOO_LARGE' },
    );
    assert.equal(await t.fx.store.headPosition(), head);
  });

  it('given a command the aggregate refuses, then its typed domain error and nothing written', async () => {
    const s = `run-${randomUUID()}`;
    await t.fx.writer.execute(s, counter, { type: 'Increment', count: 2 }, meta());
    await assert.rejects(t.fx.writer.execute(s, counter, { type: 'Increment', count: 1, limit: 2 }, meta()), { code: 'LIMIT' });
  });

  it('after a rotation by another replica, signs with the new key: no event by a retired key commits after its rotation', async () => {
    const replica = new KeyRingService(t.fx.store, new LocalKeystore({ dir: t.fx.keysDir, passphrase: undefined, allowInsecure: true }));
    await replica.refresh();
    const replicaWriter = new LedgerWriter(t.fx.store, replica);
    const s = `run-${randomUUID()}`;
    const before = await replicaWriter.execute(s, counter, { type: 'Increment', count: 1 }, meta());
    const oldKid = before.events[0]!.sig.kid;
    const { kid } = await t.fx.keyRing.rotate(meta({ actor: { id: 'operator:test', kind: 'user' } }));
    assert.notEqual(kid, oldKid);
    const afterRotation = await replicaWriter.execute(s, counter, { type: 'Increment', count: 1 }, meta());
    assert.equal(afterRotation.events[0]!.sig.kid, kid);
    await verifyLog(t.fx);
  });
});
