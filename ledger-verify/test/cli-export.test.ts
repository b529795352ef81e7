import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { editLine, refreshManifest, sampleLedger, toExport, writeExport } from './helpers/export.js';
import { KEY1, KEY2 } from './helpers/ledger.js';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'ledger-verify-cli-export-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

function run(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const good = toExport(sampleLedger(60, 20, KEY2));

describe('ledger-verify PATH on full exports', () => {
  test('given an intact export directory, when verified, then exit 0 and a summary naming the verified checkpoint', () => {
    const dir = writeExport(join(root, `d${n++}`), good);
    const r = run([dir, '--trust-root', KEY1.kid]);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /OK: all 60 events and 3 checkpoints verify/);
    assert.match(r.stdout, /checkpoint {2}size 60 verified/);
  });

  test('given the export as .tar.gz, when verified with --json, then exit 0 and a JSON report', (t) => {
    const dir = writeExport(join(root, `d${n++}`), good);
    const tgz = join(root, `e${n++}.tar.gz`);
    const tar = spawnSync('tar', ['-czf', tgz, '-C', dir, 'manifest.json', 'events.ndjson', 'checkpoints.ndjson']);
    if (tar.status !== 0) return t.skip('tar(1) unavailable');
    const r = run([tgz, '--trust-root', KEY1.kid, '--json', '--workers', '1']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { ok: boolean; format: string; events: number; verifiedCheckpoint: { size: number } };
    assert.equal(report.ok, true);
    assert.equal(report.format, 'qledger-export/1');
    assert.equal(report.events, 60);
    assert.equal(report.verifiedCheckpoint.size, 60);
  });

  test('given a changed payload, when verified, then exit 1 and the failure names its code, stream, revision and event', () => {
    const f = structuredClone(good);
    editLine(f.events, 10, (o) => (o.event.data['value'] = 0));
    const dir = writeExport(join(root, `d${n++}`), refreshManifest(f));
    const r = run([dir, '--trust-root', KEY1.kid]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /FAILED: 1 failure \(PAYLOAD_CHANGED 1\)/);
    assert.match(r.stdout, /PAYLOAD_CHANGED {2}events\.ndjson:11, position \d+, stream run-\w, rev \d+, event [0-9a-f-]{36}:/);
    const j = run([dir, '--trust-root', KEY1.kid, '--json']);
    assert.equal(j.status, 1);
    const report = JSON.parse(j.stdout) as { failures: { code: string; file: string; line: number }[] };
    assert.deepEqual(
      report.failures.map((x) => [x.code, x.file, x.line]),
      [['PAYLOAD_CHANGED', 'events.ndjson', 11]],
    );
  });

  test('given a truncated events file or a manifest that is not JSON, when verified, then exit 2 with one clear line', () => {
    const dir = writeExport(join(root, `d${n++}`), good);
    writeFileSync(join(dir, 'events.ndjson'), readFileSync(join(dir, 'events.ndjson'), 'utf8').slice(0, -10));
    const r = run([dir, '--trust-root', KEY1.kid]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^ledger-verify: events\.ndjson line 60: the last line has no final newline \(truncated file\?\)\n$/);
    const dir2 = writeExport(join(root, `d${n++}`), good, '{"format":');
    const r2 = run([dir2, '--trust-root', KEY1.kid, '--json']);
    assert.equal(r2.status, 2);
    assert.equal((JSON.parse(r2.stdout) as { error: { code: string } }).error.code, 'MALFORMED_JSON');
    assert.equal(r2.stderr.split('\n').length, 2);
  });

  test('given a bad --workers value or no trust root, when run, then exit 2 (usage)', () => {
    const dir = writeExport(join(root, `d${n++}`), good);
    assert.equal(run([dir, '--trust-root', KEY1.kid, '--workers', 'many']).status, 2);
    assert.equal(run([dir]).status, 2);
  });
});
