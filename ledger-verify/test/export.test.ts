import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  bytesToBase64url,
  checkArtifactDigest,
  checkEventInclusion,
  formatManifest,
  inclusionProof,
  InputError,
  iterableSource,
  KEY_STREAM,
  leafHash,
  merkleRoot,
  rotationData,
  signEvent,
  verifyExport,
  type ExportReport,
  type VerifyExportOptions,
} from '../src/index.js';
import {
  editLine,
  leavesOf,
  parseLine,
  refreshManifest,
  renumber,
  sampleLedger,
  seal,
  toExport,
  writeExport,
  writeLine,
  type ExportFiles,
} from './helpers/export.js';
import { KEY1, KEY2, KEY3, KEY4, LedgerBuilder } from './helpers/ledger.js';

const root = mkdtempSync(join(tmpdir(), 'ledger-verify-export-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/**
 * Verifies the export written to a directory, three ways that must give the same report: the
 * default (one pass first), one pass in batches of 3 lines (key events then reach the workers
 * batch by batch), and the three passes alone.
 */
async function verify(f: ExportFiles, options: Partial<VerifyExportOptions> = {}, manifestText?: string): Promise<ExportReport> {
  const dir = writeExport(join(root, `x${n++}`), f, manifestText);
  const r = await verifyExport(dir, { trustRoot: KEY1.kid, workers: 0, ...options });
  const small = await verifyExport(dir, { trustRoot: KEY1.kid, workers: 0, batchSize: 3, ...options });
  const three = await verifyExport(dir, { trustRoot: KEY1.kid, workers: 0, ...options, onePass: false });
  assert.deepEqual(small, r, 'one pass in small batches');
  assert.deepEqual(three, r, 'three passes');
  return r;
}

function codes(r: ExportReport): string[] {
  return [...new Set(r.failures.map((f) => f.code))].sort();
}

/** The report has `code` at the event `eventId` (or, without one, anywhere). */
function assertFailure(r: ExportReport, code: string, eventId?: string | null, file?: string): void {
  const hit = r.failures.find(
    (f) => f.code === code && (eventId === undefined || f.eventId === eventId) && (file === undefined || f.file === file),
  );
  assert.ok(
    hit,
    `expected ${code}${eventId ? ` at ${eventId}` : ''}; got ${JSON.stringify(r.failures.map((f) => [f.code, f.eventId, f.file]))}`,
  );
  assert.equal(r.ok, false);
}

const eventId = (line: string): string => parseLine(line).event['id'] as string;
/** Index in events.ndjson of the k-th event of stream `stream`. */
function indexOf(f: ExportFiles, stream: string, k: number): number {
  let seen = 0;
  for (let i = 0; i < f.events.length; i++) if (parseLine(f.events[i] as string).event['stream'] === stream && seen++ === k) return i;
  throw new Error(`no event ${k} in ${stream}`);
}

describe('verifyExport: an intact export', () => {
  test('given an export with streams, a rotation and checkpoints, when verified from a directory, then it is OK and the root is the Merkle root of its events', async () => {
    const b = sampleLedger(45, 10, KEY2);
    const f = toExport(b);
    const r = await verify(f);
    assert.deepEqual(r.failures, []);
    assert.equal(r.ok, true);
    assert.equal(r.events, f.events.length);
    assert.equal(r.checkpoints, 4);
    assert.equal(r.origin, b.origin);
    assert.equal(r.rootHash, Buffer.from(merkleRoot(leavesOf(b).map((e) => leafHash(e.hash)))).toString('base64'));
    assert.equal(r.verifiedCheckpoint?.size, 40);
    assert.equal(r.uncoveredEvents, f.events.length - 40);
    assert.equal(r.activeKid, KEY2.kid);
  });

  test('given the same export as a .tar.gz made by tar(1), when verified, then it is OK; worker threads give the same report', async (t) => {
    const f = toExport(sampleLedger(30, 10));
    const dir = writeExport(join(root, `tar${n++}`), f);
    const tgz = join(root, `x${n++}.tar.gz`);
    const tar = spawnSync('tar', ['-czf', tgz, '-C', dir, 'manifest.json', 'checkpoints.ndjson', 'events.ndjson']);
    if (tar.error || tar.status !== 0) return t.skip(`tar(1) unavailable: ${tar.error?.message ?? tar.stderr}`);
    const fromTar = await verifyExport(tgz, { trustRoot: KEY1.kid, workers: 2 });
    const fromDir = await verifyExport(dir, { trustRoot: KEY1.kid, workers: 0 });
    assert.equal(fromTar.ok, true, JSON.stringify(fromTar.failures));
    assert.deepEqual({ ...fromTar, source: '' }, { ...fromDir, source: '' });
  });

  test('given a damaged export, when verified with 2 workers and with none, then the reports are identical', async () => {
    const f = toExport(sampleLedger(1200, 250, KEY2));
    editLine(f.events, 700, (o) => (o.event.data['value'] = 1));
    const dir = writeExport(join(root, `w${n++}`), f);
    const a = await verifyExport(dir, { trustRoot: KEY1.kid, workers: 2, batchSize: 64 });
    const b = await verifyExport(dir, { trustRoot: KEY1.kid, workers: 0 });
    assert.deepEqual(a, b);
    assert.deepEqual(codes(a), ['FILE_DIGEST_MISMATCH', 'PAYLOAD_CHANGED']);
  });

  test('given lines from a live store (iterables, no manifest), when verified, then it is OK; progress is reported', async () => {
    const f = toExport(sampleLedger(25, 10));
    const seen: number[] = [];
    const source = iterableSource({
      events: async function* () {
        yield* f.events;
      },
      checkpoints: async function* () {
        yield* f.checkpoints;
      },
    });
    const r = await verifyExport(source, { trustRoot: KEY1.kid, workers: 1, batchSize: 7, onProgress: (done) => seen.push(done) });
    assert.equal(r.ok, true, JSON.stringify(r.failures));
    assert.equal(seen.at(-1), f.events.length);
  });
});

describe('verifyExport: strict reading of lines that are not canonical', () => {
  test('given a line re-serialized with spaces (valid JSON, same values), when verified, then it is read strictly and still verifies', async () => {
    const f = toExport(sampleLedger(20, 100));
    f.events[3] = JSON.stringify(JSON.parse(f.events[3] as string), null, 1).replace(/\n/g, ' ');
    const r = await verify(refreshManifest(f));
    assert.equal(r.ok, true, JSON.stringify(r.failures));
  });

  test('given a duplicate member inside an event payload, when verified, then the line is refused as MALFORMED_JSON', async () => {
    const f = toExport(sampleLedger(20, 100));
    f.events[3] = (f.events[3] as string).replace('"data":{', '"data":{"ok":false,');
    const dir = writeExport(join(root, `x${n++}`), refreshManifest(f));
    await assert.rejects(
      verifyExport(dir, { trustRoot: KEY1.kid, workers: 1 }),
      (e: unknown) => e instanceof InputError && e.code === 'MALFORMED_JSON' && /line 4/.test(e.message),
    );
  });
});

describe('verifyExport: each kind of damage has its code, naming the event', () => {
  test('PAYLOAD_CHANGED: data changed, hash and signature kept', async () => {
    const f = toExport(sampleLedger());
    const i = indexOf(f, 'run-b', 1);
    editLine(f.events, i, (o) => (o.event.data['ok'] = !o.event.data['ok']));
    const r = await verify(refreshManifest(f));
    assertFailure(r, 'PAYLOAD_CHANGED', eventId(f.events[i] as string));
    // The leaf is the recorded hash, which still verifies: the tree and the stream chain are intact.
    assert.deepEqual(codes(r), ['PAYLOAD_CHANGED']);
  });

  test('PAYLOAD_CHANGED: metadata (actor) changed', async () => {
    const f = toExport(sampleLedger());
    const i = indexOf(f, 'run-a', 0);
    editLine(f.events, i, (o) => (o.event['actor'] = { id: 'usr-mallory', kind: 'user' }));
    assertFailure(await verify(refreshManifest(f)), 'PAYLOAD_CHANGED', eventId(f.events[i] as string));
  });

  test('HASH_CHANGED: the recorded hash replaced, content intact', async () => {
    const f = toExport(sampleLedger());
    const i = indexOf(f, 'run-c', 1);
    editLine(f.events, i, (o) => (o.event['hash'] = 'ab'.repeat(32)));
    const r = await verify(refreshManifest(f));
    assertFailure(r, 'HASH_CHANGED', eventId(f.events[i] as string));
    assertFailure(r, 'STREAM_PREV_MISMATCH');
  });

  test('HASH_MISMATCH: content and hash both changed, the signature verifies over neither', async () => {
    const f = toExport(sampleLedger());
    const i = indexOf(f, 'run-a', 1);
    editLine(f.events, i, (o) => {
      o.event.data['n'] = 999;
      o.event['hash'] = 'cd'.repeat(32);
    });
    assertFailure(await verify(refreshManifest(f)), 'HASH_MISMATCH', eventId(f.events[i] as string));
  });

  test("BAD_SIGNATURE: a well-formed signature that is not this event's", async () => {
    const f = toExport(sampleLedger());
    const i = indexOf(f, 'run-a', 2);
    const other = parseLine(f.events[indexOf(f, 'run-b', 2)] as string).event.sig as Record<string, unknown>;
    editLine(f.events, i, (o) => ((o.event.sig as Record<string, unknown>)['val'] = other['val']));
    const r = await verify(refreshManifest(f));
    assertFailure(r, 'BAD_SIGNATURE', eventId(f.events[i] as string));
    assert.deepEqual(codes(r), ['BAD_SIGNATURE']);
  });

  test('MISSING_SIGNATURE: sig removed', async () => {
    const f = toExport(sampleLedger());
    const i = indexOf(f, 'run-b', 0);
    editLine(f.events, i, (o) => delete o.event.sig);
    assertFailure(await verify(refreshManifest(f)), 'MISSING_SIGNATURE', eventId(f.events[i] as string));
  });

  test('MALFORMED_ENVELOPE: bad base64 in the signature', async () => {
    const f = toExport(sampleLedger());
    const i = indexOf(f, 'run-b', 0);
    editLine(f.events, i, (o) => ((o.event.sig as Record<string, unknown>)['val'] = '!'.repeat(86)));
    const r = await verify(refreshManifest(f));
    assertFailure(r, 'MALFORMED_ENVELOPE', eventId(f.events[i] as string));
    assert.match(r.failures.find((x) => x.code === 'MALFORMED_ENVELOPE')?.message ?? '', /sig\/val/);
  });

  test('UNKNOWN_KID: an event signed by a key outside the chain', async () => {
    const b = sampleLedger(20, 10);
    const forged = b.append('run-z', 'CheckRecorded', { n: 1 }, { signer: KEY4 });
    const r = await verify(toExport(b));
    assertFailure(r, 'UNKNOWN_KID', forged.id);
  });

  test('ORIGIN_MISMATCH: an event of another ledger, signed by the ledger key', async () => {
    const b = sampleLedger(20, 10);
    const foreign = b.append('run-z', 'CheckRecorded', { n: 1 }, { origin: 'other.example/ledger' });
    assertFailure(await verify(toExport(b)), 'ORIGIN_MISMATCH', foreign.id);
  });

  test('GENESIS_NOT_TRUST_ROOT: the auditor trusts another key', async () => {
    const r = await verify(toExport(sampleLedger()), { trustRoot: KEY3.kid });
    assertFailure(r, 'GENESIS_NOT_TRUST_ROOT');
    assertFailure(r, 'MISSING_GENESIS');
  });

  test('ROTATION_NOT_SIGNED_BY_PREVIOUS: a rotation signed by the new key; its events have an unknown signer', async () => {
    const b = new LedgerBuilder();
    b.append('run-a', 'CheckRecorded', { n: 1 });
    const data = rotationData({ origin: b.origin, previousKid: KEY1.kid, newKey: KEY2 });
    const rot = b.append(KEY_STREAM, 'SigningKeyRotated', data, { signer: KEY2 });
    b.active = KEY2;
    const after = b.append('run-a', 'CheckRecorded', { n: 2 });
    const r = await verify(toExport(b));
    assertFailure(r, 'ROTATION_NOT_SIGNED_BY_PREVIOUS', rot.id);
    assertFailure(r, 'UNKNOWN_KID', after.id);
  });

  test('ROTATION_BAD_PROOF_OF_POSSESSION: a rotation without a valid proof of possession', async () => {
    const b = new LedgerBuilder();
    const data = {
      ...rotationData({ origin: b.origin, previousKid: KEY1.kid, newKey: KEY2 }),
      proofOfPossession: bytesToBase64url(new Uint8Array(64)),
    };
    const rot = b.append(KEY_STREAM, 'SigningKeyRotated', data);
    assertFailure(await verify(toExport(b)), 'ROTATION_BAD_PROOF_OF_POSSESSION', rot.id);
  });

  test('KEY_REVOKED: an event signed by a revoked key', async () => {
    const b = new LedgerBuilder();
    b.append('run-a', 'CheckRecorded', { n: 1 });
    b.rotate(KEY2);
    b.revoke(KEY1.kid, 'stolen laptop');
    const late = b.append('run-a', 'CheckRecorded', { n: 2 }, { signer: KEY1 });
    assertFailure(await verify(toExport(b)), 'KEY_REVOKED', late.id);
  });

  test('KEY_RETIRED: an event signed by the previous key after a rotation', async () => {
    const b = new LedgerBuilder();
    b.rotate(KEY2);
    const late = b.append('run-a', 'CheckRecorded', { n: 2 }, { signer: KEY1 });
    assertFailure(await verify(toExport(b)), 'KEY_RETIRED', late.id);
  });

  test('STREAM_REVISION_GAP and POSITION_GAP: an event deleted from a stream', async () => {
    const f = toExport(sampleLedger());
    const i = indexOf(f, 'run-a', 2);
    const next = eventId(f.events[indexOf(f, 'run-a', 3)] as string);
    f.events.splice(i, 1);
    const r = await verify(refreshManifest(f));
    assertFailure(r, 'STREAM_REVISION_GAP', next);
    assertFailure(r, 'POSITION_GAP');
    assertFailure(r, 'LEAF_INDEX_MISMATCH');
    assertFailure(r, 'MERKLE_ROOT_MISMATCH');
  });

  test('STREAM_DUPLICATE_EVENT: an event duplicated right after itself (renumbered)', async () => {
    const f = toExport(sampleLedger());
    const i = indexOf(f, 'run-c', 1);
    f.events.splice(i + 1, 0, f.events[i] as string);
    const last = parseLine(f.events.at(-1) as string);
    editLine(f.events, f.events.length - 1, (o) => (o.position = last.position));
    renumber(f);
    assertFailure(await verify(refreshManifest(f)), 'STREAM_DUPLICATE_EVENT', eventId(f.events[i] as string));
  });

  test('STREAM_PREV_MISMATCH: an inserted event signed with the ledger key that does not chain', async () => {
    const b = sampleLedger(20, 100);
    const un = b.unsealed('run-a', 'CheckRecorded', { n: 'inserted' });
    const inserted = signEvent({ ...un, revision: un.revision, prev: 'ee'.repeat(32) }, b.active);
    b.events.push(inserted);
    assertFailure(await verify(toExport(b)), 'STREAM_PREV_MISMATCH', inserted.id);
  });

  test('STREAM_REORDERED: two events of one stream swapped (positions and leaves renumbered)', async () => {
    const f = toExport(sampleLedger());
    const i = indexOf(f, 'run-b', 1);
    const j = indexOf(f, 'run-b', 2);
    [f.events[i], f.events[j]] = [f.events[j] as string, f.events[i] as string];
    renumber(f);
    const r = await verify(refreshManifest(f));
    assertFailure(r, 'STREAM_REORDERED', eventId(f.events[i] as string));
    assertFailure(r, 'MERKLE_ROOT_MISMATCH');
  });

  test('MERKLE_ROOT_MISMATCH: events of different streams swapped, invisible to the stream chains', async () => {
    const f = toExport(sampleLedger());
    [f.events[3], f.events[4]] = [f.events[4] as string, f.events[3] as string];
    renumber(f);
    const r = await verify(refreshManifest(f));
    assert.deepEqual(codes(r), ['MERKLE_ROOT_MISMATCH']);
    assert.equal(r.failures[0]?.stream, 'ledger-checkpoints');
  });

  test('TAIL_DELETED: the last events a checkpoint covers were deleted, with the checkpoints after them', async () => {
    const f = toExport(sampleLedger(40, 10));
    f.events.splice(33);
    const r = await verify(refreshManifest(f));
    assertFailure(r, 'TAIL_DELETED', parseLine(f.checkpoints.at(-1) as string).event['id'] as string);
    assertFailure(r, 'POSITION_GAP', null, 'checkpoints.ndjson');
  });

  test('LEAF_INDEX_MISMATCH: a leaf index rewritten', async () => {
    const f = toExport(sampleLedger());
    editLine(f.events, 5, (o) => (o.leaf = 50));
    assertFailure(await verify(refreshManifest(f)), 'LEAF_INDEX_MISMATCH', eventId(f.events[5] as string));
  });

  test('POSITION_NOT_INCREASING: a position repeated', async () => {
    const f = toExport(sampleLedger());
    const p = parseLine(f.events[5] as string).position;
    editLine(f.events, 6, (o) => (o.position = p));
    assertFailure(await verify(refreshManifest(f)), 'POSITION_NOT_INCREASING', eventId(f.events[6] as string));
  });

  test('MISPLACED_EVENT: a checkpoint event moved among the leaves', async () => {
    const f = toExport(sampleLedger());
    const cp = parseLine(f.checkpoints[0] as string);
    f.events.push(writeLine({ leaf: f.events.length, position: 1000, event: cp.event }));
    assertFailure(await verify(refreshManifest(f)), 'MISPLACED_EVENT', cp.event['id'] as string);
  });

  test('MALFORMED_EXPORT_LINE: a line without its leaf index', async () => {
    const f = toExport(sampleLedger());
    editLine(f.events, 4, (o) => delete o.leaf);
    assertFailure(await verify(refreshManifest(f)), 'MALFORMED_EXPORT_LINE', eventId(f.events[4] as string));
  });
});

describe('verifyExport: checkpoints', () => {
  test('CHECKPOINT_BAD_SIGNATURE: the note is signed by another key', async () => {
    const b = sampleLedger(20, 100);
    const cp = seal(b, { noteKey: KEY3 });
    assertFailure(await verify(toExport(b)), 'CHECKPOINT_BAD_SIGNATURE', cp.id);
  });

  test('CHECKPOINT_BAD_SIGNATURE: the note text was edited', async () => {
    const f = toExport(sampleLedger(20, 10));
    editLine(f.checkpoints, 0, (o) => (o.event.data['note'] = (o.event.data['note'] as string).replace('\n10\n', '\n11\n')));
    const r = await verify(refreshManifest(f));
    assertFailure(r, 'PAYLOAD_CHANGED');
    assertFailure(r, 'CHECKPOINT_BAD_SIGNATURE', parseLine(f.checkpoints[0] as string).event['id'] as string);
  });

  test('CHECKPOINT_NOTE_MISMATCH: the event data and the signed note disagree', async () => {
    const b = sampleLedger(20, 100);
    const cp = seal(b, { dataSize: 3 });
    assertFailure(await verify(toExport(b)), 'CHECKPOINT_NOTE_MISMATCH', cp.id);
  });

  test('MALFORMED_CHECKPOINT: a root that is not base64', async () => {
    const b = sampleLedger(20, 100);
    const cp = b.append('ledger-checkpoints', 'CheckpointSealed', { size: 1, root: '***', note: 'x' });
    assertFailure(await verify(toExport(b)), 'MALFORMED_CHECKPOINT', cp.id);
  });

  test('CHECKPOINT_FORK: a signed checkpoint of another history, followed by one that matches the events', async () => {
    const b = sampleLedger(20, 100);
    const fork = seal(b, { root: new Uint8Array(32).fill(7) });
    b.append('run-a', 'CheckRecorded', { n: 'more' });
    seal(b);
    const r = await verify(toExport(b));
    assertFailure(r, 'CHECKPOINT_FORK', fork.id);
    assert.deepEqual(codes(r), ['CHECKPOINT_FORK']);
  });

  test('CHECKPOINT_FORK: two roots for one size', async () => {
    const b = sampleLedger(20, 100);
    seal(b);
    const second = seal(b, { root: new Uint8Array(32).fill(9) });
    assertFailure(await verify(toExport(b)), 'CHECKPOINT_FORK', second.id);
  });

  test('CHECKPOINT_SIZE_REGRESSION: a checkpoint smaller than the one before', async () => {
    const b = sampleLedger(20, 100);
    seal(b);
    const smaller = seal(b, { size: 5 });
    assertFailure(await verify(toExport(b)), 'CHECKPOINT_SIZE_REGRESSION', smaller.id);
  });

  test('CHECKPOINT_AHEAD_OF_LOG: a checkpoint placed before the events it covers', async () => {
    const f = toExport(sampleLedger(20, 10));
    const cp = parseLine(f.checkpoints[0] as string);
    const leaf9 = f.events.findIndex((l) => parseLine(l).leaf === 9);
    const p9 = parseLine(f.events[leaf9] as string).position;
    editLine(f.checkpoints, 0, (o) => (o.position = p9));
    editLine(f.events, leaf9, (o) => (o.position = cp.position));
    assertFailure(await verify(refreshManifest(f)), 'CHECKPOINT_AHEAD_OF_LOG', cp.event['id'] as string);
  });
});

describe('verifyExport: manifest', () => {
  test('FILE_DIGEST_MISMATCH: events.ndjson changed and the manifest not', async () => {
    const f = toExport(sampleLedger());
    editLine(f.events, 3, (o) => (o.event.data['n'] = -1));
    const r = await verify(f);
    assertFailure(r, 'FILE_DIGEST_MISMATCH', null, 'events.ndjson');
  });

  test('MANIFEST_MISMATCH: counts, origin and last checkpoint that do not describe the files', async () => {
    const f = toExport(sampleLedger());
    const r = await verify({
      ...f,
      manifest: { ...f.manifest, counts: { events: 1, checkpoints: 9 }, origin: 'x.example/y', lastCheckpoint: null },
    });
    const messages = r.failures.filter((x) => x.code === 'MANIFEST_MISMATCH').map((x) => x.message);
    assert.equal(messages.length, 4, messages.join('\n'));
  });

  test('MALFORMED_MANIFEST: a member missing, or not canonical JSON', async () => {
    const f = toExport(sampleLedger());
    const { head: _head, ...noHead } = f.manifest;
    assertFailure(await verify(f, {}, JSON.stringify(noHead)), 'MALFORMED_MANIFEST', null, 'manifest.json');
    assertFailure(await verify(f, {}, JSON.stringify(f.manifest, null, 2)), 'MALFORMED_MANIFEST', null, 'manifest.json');
  });
});

describe('verifyExport: malformed input is reported as such, never a crash', () => {
  async function rejects(f: ExportFiles, damage: (dir: string) => void, code: string): Promise<void> {
    const dir = writeExport(join(root, `m${n++}`), f);
    damage(dir);
    await assert.rejects(verifyExport(dir, { trustRoot: KEY1.kid, workers: 1 }), (e: unknown) => {
      assert.ok(e instanceof InputError, String(e));
      assert.equal(e.code, code, e.message);
      return true;
    });
  }
  const f = toExport(sampleLedger(20, 10));

  test('a truncated last line is INPUT_TRUNCATED', () =>
    rejects(
      f,
      (d) => writeFileSync(join(d, 'events.ndjson'), readFileSync(join(d, 'events.ndjson'), 'utf8').slice(0, -40)),
      'INPUT_TRUNCATED',
    ));
  test('a line that is not JSON is MALFORMED_JSON', () =>
    rejects(
      f,
      (d) => writeFileSync(join(d, 'events.ndjson'), readFileSync(join(d, 'events.ndjson'), 'utf8').replace('"leaf":3', '"leaf":3,,')),
      'MALFORMED_JSON',
    ));
  test('a duplicate member name is MALFORMED_JSON', () =>
    rejects(
      f,
      (d) =>
        writeFileSync(
          join(d, 'checkpoints.ndjson'),
          readFileSync(join(d, 'checkpoints.ndjson'), 'utf8').replace('"position":', '"position":1,"position":'),
        ),
      'MALFORMED_JSON',
    ));
  test('a missing file is INPUT_UNREADABLE', () => rejects(f, (d) => rmSync(join(d, 'checkpoints.ndjson')), 'INPUT_UNREADABLE'));
  test('another export format is UNSUPPORTED_FORMAT', () =>
    rejects(
      f,
      (d) => writeFileSync(join(d, 'manifest.json'), formatManifest({ ...f.manifest, format: 'qledger-export/2' as 'qledger-export/1' })),
      'UNSUPPORTED_FORMAT',
    ));
  test('invalid UTF-8 is INVALID_UTF8', () =>
    rejects(
      f,
      (d) => writeFileSync(join(d, 'events.ndjson'), Buffer.concat([Buffer.from([0xff, 0xfe]), readFileSync(join(d, 'events.ndjson'))])),
      'INVALID_UTF8',
    ));

  test('a truncated or corrupt .tar.gz is an InputError', async () => {
    const dir = writeExport(join(root, `t${n++}`), f);
    const tgz = join(root, `t${n++}.tar.gz`);
    const tar = spawnSync('tar', ['-czf', tgz, '-C', dir, 'manifest.json', 'checkpoints.ndjson', 'events.ndjson']);
    if (tar.status !== 0) return;
    const bytes = readFileSync(tgz);
    for (const bad of [bytes.subarray(0, Math.floor(bytes.length / 2)), Buffer.from('not gzip at all')]) {
      writeFileSync(tgz, bad);
      await assert.rejects(verifyExport(tgz, { trustRoot: KEY1.kid, workers: 0 }), InputError);
    }
  });
});

describe('evidence bundle checks', () => {
  test('INVALID_INCLUSION_PROOF: a proof for another leaf, or a changed event hash', () => {
    const b = sampleLedger(30, 100);
    const leaves = leavesOf(b);
    const hashes = leaves.map((e) => leafHash(e.hash));
    const cp = { size: hashes.length, rootHash: merkleRoot(hashes) };
    const proof = inclusionProof(7, hashes.length, hashes);
    assert.equal(checkEventInclusion(leaves[7]?.hash as string, 7, proof, cp), null);
    assert.equal(checkEventInclusion(leaves[7]?.hash as string, 8, proof, cp)?.code, 'INVALID_INCLUSION_PROOF');
    assert.equal(checkEventInclusion('00'.repeat(32), 7, proof, cp)?.code, 'INVALID_INCLUSION_PROOF');
    assert.equal(checkEventInclusion('nothex', 7, proof, cp)?.code, 'INVALID_INCLUSION_PROOF');
  });

  test('ARTIFACT_DIGEST_MISMATCH: bytes that do not hash to the digest', () => {
    const bytes = new TextEncoder().encode('evidence');
    const digest = 'c5ee7e0a9e37b0f5f1d0b5a0ee1f0bf6e8b0f7c1f0d0f0a0b0c0d0e0f0a0b0c0';
    assert.equal(checkArtifactDigest(bytes, digest)?.code, 'ARTIFACT_DIGEST_MISMATCH');
    const good = createHash('sha256').update(bytes).digest('hex');
    assert.equal(checkArtifactDigest(bytes, good), null);
    assert.equal(checkArtifactDigest(bytes, 'XYZ')?.code, 'ARTIFACT_DIGEST_MISMATCH');
  });
});
