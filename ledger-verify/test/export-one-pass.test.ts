// The one-pass verification of a file-backed export (decision 0066) stands only when it cannot
// differ from the three passes: an intact export whose key chain has no revocation. Everything
// else hands over to the three passes. These tests take the one pass alone
// (verifyExportOnePass) and compare with the three passes (onePass: false).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CHECKPOINTS_FILE, directorySource, KEY_STREAM, verifyExport, type ExportReport, type ExportSource } from '../src/index.js';
import { verifyExportOnePass } from '../src/export/verify.js';
import { sampleLedger, seal, toExport, writeExport, type ExportFiles } from './helpers/export.js';
import { KEY1, KEY2, KEY3, LedgerBuilder } from './helpers/ledger.js';

const root = mkdtempSync(join(tmpdir(), 'ledger-verify-one-pass-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const dirOf = (f: ExportFiles): string => writeExport(join(root, `x${n++}`), f);
const threePasses = (input: string | ExportSource, workers = 0): Promise<ExportReport> =>
  verifyExport(input, { trustRoot: KEY1.kid, workers, onePass: false });

/** A ledger of `count` leaves over three streams, a checkpoint every 25, rotations to KEY2 then KEY3. */
function twoRotations(count: number): LedgerBuilder {
  const b = new LedgerBuilder();
  for (let i = 1; i < count; i++) {
    if (i === Math.floor(count / 3)) b.rotate(KEY2);
    else if (i === Math.floor((2 * count) / 3)) b.rotate(KEY3);
    else b.append(`run-${i % 3}`, 'CheckRecorded', { i });
    if (i % 25 === 0) seal(b);
  }
  return b;
}

describe('one-pass verification', () => {
  test('given an intact export whose rotations fall in later batches, when verified in one pass, then it stands and equals the three passes (inline and in workers)', async () => {
    const dir = dirOf(toExport(twoRotations(600)));
    const expected = await threePasses(dir);
    assert.equal(expected.ok, true, JSON.stringify(expected.failures));
    assert.equal(expected.activeKid, KEY3.kid);
    for (const [workers, batchSize] of [
      [0, 16],
      [2, 16],
      [2, 512],
    ] as const) {
      const one = await verifyExportOnePass(dir, { trustRoot: KEY1.kid, workers, batchSize });
      assert.ok(one, `one pass handed over (workers ${workers}, batches of ${batchSize})`);
      assert.deepEqual(one, expected);
    }
  });

  test('given an event signed by the retired key in a batch after the rotation, when verified in one pass, then it hands over and the report is the three passes one (KEY_RETIRED)', async () => {
    const b = sampleLedger(40, 10);
    b.rotate(KEY2);
    for (let i = 0; i < 10; i++) b.append('run-z', 'CheckRecorded', { i });
    const late = b.append('run-a', 'CheckRecorded', { late: true }, { signer: KEY1 });
    const dir = dirOf(toExport(b));
    assert.equal(await verifyExportOnePass(dir, { trustRoot: KEY1.kid, workers: 0, batchSize: 4 }), undefined);
    const expected = await threePasses(dir);
    assert.ok(expected.failures.some((f) => f.code === 'KEY_RETIRED' && f.eventId === late.id));
    assert.deepEqual(await verifyExport(dir, { trustRoot: KEY1.kid, workers: 2, batchSize: 4 }), await threePasses(dir, 2));
  });

  test('given a revocation compromised since an earlier time, when verified in one pass, then it hands over: the events signed before the revocation was read are revoked too', async () => {
    const b = new LedgerBuilder();
    for (let i = 0; i < 20; i++) b.append('run-a', 'CheckRecorded', { i });
    const since = b.nextTime();
    const exposed = b.append('run-a', 'CheckRecorded', { exposed: true });
    for (let i = 0; i < 20; i++) b.append('run-b', 'CheckRecorded', { i });
    b.rotate(KEY2);
    b.revoke(KEY1.kid, 'key copied', since);
    const dir = dirOf(toExport(b));
    assert.equal(await verifyExportOnePass(dir, { trustRoot: KEY1.kid, workers: 0, batchSize: 8 }), undefined);
    const r = await verifyExport(dir, { trustRoot: KEY1.kid, workers: 0, batchSize: 8 });
    assert.ok(
      r.failures.some((f) => f.code === 'KEY_REVOKED' && f.eventId === exposed.id),
      JSON.stringify(r.failures),
    );
    assert.deepEqual(r, await threePasses(dir));
  });

  test('given an intact export with a revocation, when verified in one pass, then it hands over and the three passes find it intact', async () => {
    const b = new LedgerBuilder();
    for (let i = 0; i < 10; i++) b.append('run-a', 'CheckRecorded', { i });
    b.rotate(KEY2);
    b.revoke(KEY1.kid, 'retired early');
    for (let i = 0; i < 10; i++) b.append('run-a', 'CheckRecorded', { i });
    seal(b);
    const dir = dirOf(toExport(b));
    assert.equal(await verifyExportOnePass(dir, { trustRoot: KEY1.kid, workers: 0 }), undefined);
    const r = await verifyExport(dir, { trustRoot: KEY1.kid, workers: 0 });
    assert.equal(r.ok, true, JSON.stringify(r.failures));
    assert.deepEqual(r, await threePasses(dir));
  });

  test('given an event signed by a key that a later rotation introduces, when verified in one pass, then it hands over (KEY_NOT_YET_ACTIVE, as the three passes say)', async () => {
    const b = new LedgerBuilder();
    for (let i = 0; i < 10; i++) b.append('run-a', 'CheckRecorded', { i });
    const early = b.append('run-b', 'CheckRecorded', { early: true }, { signer: KEY2 });
    for (let i = 0; i < 10; i++) b.append('run-a', 'CheckRecorded', { i });
    b.rotate(KEY2);
    const dir = dirOf(toExport(b));
    assert.equal(await verifyExportOnePass(dir, { trustRoot: KEY1.kid, workers: 0, batchSize: 4 }), undefined);
    const r = await verifyExport(dir, { trustRoot: KEY1.kid, workers: 0, batchSize: 4 });
    assert.ok(
      r.failures.some((f) => f.code === 'KEY_NOT_YET_ACTIVE' && f.eventId === early.id),
      JSON.stringify(r.failures),
    );
    assert.deepEqual(r, await threePasses(dir));
  });

  test('given checkpoints.ndjson that grows between its layout and its check (no manifest to catch it), when verified in one pass, then it hands over', async () => {
    const f = toExport(sampleLedger(60, 10));
    const base = directorySource(dirOf(f));
    const noManifest: ExportSource = { ...base, manifest: () => Promise.resolve(undefined) };
    let reads = 0;
    const growing: ExportSource = {
      ...noManifest,
      lines: (file, digest) => {
        if (file !== CHECKPOINTS_FILE || reads++ > 0) return base.lines(file, digest);
        // The first read (the layout) lacks the last checkpoint, which covers every event.
        return (async function* () {
          yield* f.checkpoints.slice(0, -1);
          digest?.({ sha256: 'shorter', bytes: 0 });
        })();
      },
    };
    const full = await verifyExportOnePass(noManifest, { trustRoot: KEY1.kid, workers: 0 });
    assert.ok(full, 'the unchanged source stands');
    assert.equal(full.verifiedCheckpoint?.size, full.events);
    assert.equal(await verifyExportOnePass(growing, { trustRoot: KEY1.kid, workers: 0 }), undefined);
  });

  test('given an export whose first batch has no genesis, when verified in one pass, then it hands over', async () => {
    const f = toExport(sampleLedger(30, 10));
    const genesis = f.events.findIndex((l) => l.includes(`"${KEY_STREAM}"`));
    assert.equal(genesis, 0);
    const dir = dirOf({ ...f, events: [...f.events.slice(1, 5), f.events[0] as string, ...f.events.slice(5)] });
    const origin = new LedgerBuilder().origin;
    assert.equal(await verifyExportOnePass(dir, { trustRoot: KEY1.kid, origin, workers: 0, batchSize: 2 }), undefined);
    const r = await verifyExport(dir, { trustRoot: KEY1.kid, workers: 0, batchSize: 2 });
    assert.equal(r.ok, false);
    assert.deepEqual(r, await threePasses(dir));
  });
});
