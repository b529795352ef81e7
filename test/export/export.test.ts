import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { base64ToBytes, canonicalize, leafHash, merkleRoot, parseJsonStrict, type EventEnvelope } from 'ledger-verify';
import { CHECKPOINT_STREAM } from '../../src/domain/checkpoints/checkpoints.js';
import { LedgerError } from '../../src/domain/errors.js';
import { writeExport } from '../../src/export/export-writer.js';
import { buildExportFixture, type ExportFixture } from '../support/export-fixture.js';

const lines = (text: string): string[] => text.split('\n').slice(0, -1);

describe('full export', () => {
  let ex: ExportFixture;
  before(async () => {
    ex = await buildExportFixture();
  });
  after(async () => {
    await ex.close();
  });

  it('writes the manifest, events and checkpoints of the format, canonical, with hashes and counts that match', async () => {
    const events = await readFile(join(ex.dir, 'events.ndjson'), 'utf8');
    const checkpoints = await readFile(join(ex.dir, 'checkpoints.ndjson'), 'utf8');
    const manifestText = await readFile(join(ex.dir, 'manifest.json'), 'utf8');
    const manifest = parseJsonStrict(manifestText) as Record<string, unknown> & typeof ex.result.manifest;
    assert.equal(`${canonicalize(manifest)}\n`, manifestText, 'manifest is canonical JSON and a line feed');
    assert.deepEqual(manifest, JSON.parse(JSON.stringify(ex.result.manifest)));
    assert.equal(manifest.format, 'qledger-export/1');
    assert.equal(manifest.trustRoot, ex.fx.trustRoot);
    assert.equal(manifest.origin, ex.fx.keyRing.origin);
    const all = await ex.fx.store.readAll({ fromPosition: 0, maxCount: 10_000 });
    assert.equal(manifest.head.position, all.length);
    const leafRecords = all.filter((r) => r.stream !== CHECKPOINT_STREAM);
    const cpRecords = all.filter((r) => r.stream === CHECKPOINT_STREAM);
    assert.equal(cpRecords.length, 3);
    assert.equal(manifest.counts.events, leafRecords.length);
    assert.equal(manifest.counts.checkpoints, 3);
    for (const [name, text] of [
      ['events.ndjson', events],
      ['checkpoints.ndjson', checkpoints],
    ] as const) {
      assert.equal(manifest.files[name].sha256, createHash('sha256').update(text).digest('hex'));
      assert.equal(manifest.files[name].bytes, Buffer.byteLength(text));
    }
    for (const [i, line] of lines(events).entries()) {
      const parsed = parseJsonStrict(line) as { leaf: number; position: number; event: EventEnvelope };
      assert.equal(canonicalize(parsed), line);
      assert.equal(parsed.leaf, i);
      assert.equal(parsed.position, leafRecords[i]!.position);
      assert.equal(JSON.stringify(parsed.event), leafRecords[i]!.data, 'the stored envelope, byte for byte');
    }
    const cps = lines(checkpoints).map((l) => parseJsonStrict(l) as { position: number; event: EventEnvelope });
    assert.deepEqual(
      cps.map((c) => c.position),
      cpRecords.map((r) => r.position),
    );
    const last = cps.at(-1)!.event;
    const lastData = last.data as { size: number; root: string };
    assert.deepEqual(manifest.lastCheckpoint, { size: lastData.size, rootHash: lastData.root, eventId: last.id });
    assert.equal(lastData.size, leafRecords.length, 'the last checkpoint covers every event');
    const root = merkleRoot(leafRecords.map((r) => leafHash((JSON.parse(r.data) as EventEnvelope).hash)));
    assert.deepEqual(base64ToBytes(lastData.root), root);
  });

  it('refuses an existing target with one clear line, and leaves it and its parent as they were', async () => {
    const before = readdirSync(dirname(ex.dir)).sort();
    const mtime = (await readFile(join(ex.dir, 'manifest.json'), 'utf8')).length;
    await assert.rejects(
      writeExport({ store: ex.fx.store, origin: ex.fx.keyRing.origin, trustRoot: ex.fx.trustRoot, out: ex.dir }),
      (e: unknown) =>
        e instanceof LedgerError && e.code === 'EXPORT_TARGET_EXISTS' && !e.message.includes('\n') && e.message.includes(ex.dir),
    );
    const empty = join(dirname(ex.dir), 'empty-target');
    await mkdir(empty);
    await assert.rejects(
      writeExport({ store: ex.fx.store, origin: ex.fx.keyRing.origin, trustRoot: ex.fx.trustRoot, out: empty }),
      (e: unknown) => e instanceof LedgerError && e.code === 'EXPORT_TARGET_EXISTS',
    );
    assert.deepEqual(await readdir(empty), [], 'an empty directory is not replaced either');
    assert.deepEqual(readdirSync(dirname(ex.dir)).sort(), [...before, 'empty-target'].sort(), 'no temporary directory left behind');
    assert.equal((await readFile(join(ex.dir, 'manifest.json'), 'utf8')).length, mtime);
  });

  it('--tar writes a deterministic .tar.gz (same bytes twice) that tar extracts to the same files', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'qledger-tar-'));
    const now = () => new Date(Date.parse(ex.result.manifest.exportedAt));
    const opts = { store: ex.fx.store, origin: ex.fx.keyRing.origin, trustRoot: ex.fx.trustRoot, tar: true, now };
    const a = await writeExport({ ...opts, out: join(parent, 'a') });
    const b = await writeExport({ ...opts, out: join(parent, 'b.tar.gz') });
    assert.equal(a.path, join(parent, 'a.tar.gz'));
    assert.equal(b.path, join(parent, 'b.tar.gz'));
    assert.ok(readFileSync(a.path).equals(readFileSync(b.path)), 'same bytes');
    assert.deepEqual(readdirSync(parent).sort(), ['a.tar.gz', 'b.tar.gz'], 'nothing else left behind');
    const out = mkdtempSync(join(tmpdir(), 'qledger-untar-'));
    const r = spawnSync('tar', ['-xzf', a.path, '-C', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['checkpoints.ndjson', 'events.ndjson', 'manifest.json']);
    for (const f of ['checkpoints.ndjson', 'events.ndjson', 'manifest.json']) {
      assert.ok(readFileSync(join(out, f)).equals(readFileSync(join(ex.dir, f))), f);
    }
    await assert.rejects(
      writeExport({ ...opts, out: join(parent, 'a') }),
      (e: unknown) => e instanceof LedgerError && e.code === 'EXPORT_TARGET_EXISTS',
    );
  });
});
