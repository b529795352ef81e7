import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bytesToBase64url, hashEvent, KEY_STREAM, signEvent, type EventEnvelope, type UnsealedEnvelope } from '../src/index.js';
import { KEY1, KEY2, KEY3, KEY4, LedgerBuilder } from './helpers/ledger.js';

const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ledger-verify-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

let fileCounter = 0;
function write(content: string): string {
  const path = join(dir, `ledger-${fileCounter++}.ndjson`);
  writeFileSync(path, content);
  return path;
}

function run(args: readonly string[]): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function verify(lines: readonly string[], extra: readonly string[] = []): Run {
  return run([write(lines.join('\n') + '\n'), '--trust-root', KEY1.kid, ...extra]);
}

interface JsonReport {
  ok: boolean;
  events: number;
  streams: number;
  failures: { code: string; line: number; stream: string | null; revision: number | null; eventId: string | null; message: string }[];
  error?: { code: string; message: string; line: number | null };
}

function report(lines: readonly string[], extra: readonly string[] = []): { run: Run; json: JsonReport } {
  const r = verify(lines, ['--json', ...extra]);
  return { run: r, json: JSON.parse(r.stdout) as JsonReport };
}

/**
 * A ledger with a key rotation and three streams:
 *  0 genesis K1 | 1 run-a#0 | 2 run-a#1 | 3 run-b#0 | 4 rotation K1->K2 | 5 run-a#2 | 6 run-a#3 | 7 run-b#1 | 8 run-a#4
 */
function sample(): LedgerBuilder {
  const b = new LedgerBuilder(KEY1);
  b.append('run-a', 'RunStarted', { pipeline: 'batch', threshold: 0.9 });
  b.append('run-a', 'StageStarted', { stage: 'eval' });
  b.append('run-b', 'RunStarted', { pipeline: 'train' });
  b.rotate(KEY2);
  b.append('run-a', 'StageCompleted', { stage: 'eval', auc: 0.97 });
  b.append('run-a', 'StageStarted', { stage: 'report' });
  b.append('run-b', 'RunFailed', { reason: 'oom' });
  b.append('run-a', 'RunFinished', { ok: true });
  return b;
}

function edit(line: string, change: (e: Record<string, unknown>) => void): string {
  const e = JSON.parse(line) as Record<string, unknown>;
  change(e);
  return JSON.stringify(e);
}

function codesAt(json: JsonReport): string[] {
  return json.failures.map((f) => `${f.line}:${f.code}`);
}

describe('ledger-verify bin', () => {
  test('given a clean ledger, when verified, then exit 0 with a summary', () => {
    const r = verify(sample().lines());
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /OK: all 9 events verify/);
    assert.match(r.stdout, /9 in 3 streams/);
  });

  test('given a clean ledger and --json, when verified, then a JSON report with ok true', () => {
    const { run: r, json } = report(sample().lines(), ['--origin', 'ledger.example.org/quality']);
    assert.equal(r.status, 0);
    assert.equal(json.ok, true);
    assert.equal(json.events, 9);
    assert.equal(json.streams, 3);
    assert.deepEqual(json.failures, []);
  });

  test('given a changed payload, when verified, then exit 1 HASH_MISMATCH naming the event', () => {
    const lines = sample().lines();
    lines[5] = edit(lines[5] as string, (e) => ((e['data'] as Record<string, unknown>)['auc'] = 0.99));
    const { run: r, json } = report(lines);
    assert.equal(r.status, 1);
    assert.deepEqual(codesAt(json), ['6:HASH_MISMATCH']);
    const f = json.failures[0];
    assert.equal(f?.stream, 'run-a');
    assert.equal(f?.revision, 2);
    assert.equal(f?.eventId, JSON.parse(lines[5] as string).id);
  });

  test('given a changed hash, when verified, then exit 1 BAD_SIGNATURE and the next event no longer chains', () => {
    const lines = sample().lines();
    lines[1] = edit(lines[1] as string, (e) => {
      (e['data'] as Record<string, unknown>)['threshold'] = 0.5;
      e['hash'] = hashEvent(e as unknown as UnsealedEnvelope);
    });
    const { run: r, json } = report(lines);
    assert.equal(r.status, 1);
    assert.deepEqual(codesAt(json), ['2:BAD_SIGNATURE', '3:STREAM_PREV_MISMATCH']);
  });

  test('given a bad signature, when verified, then exit 1 BAD_SIGNATURE', () => {
    const lines = sample().lines();
    lines[7] = edit(lines[7] as string, (e) => {
      const sig = e['sig'] as Record<string, string>;
      const bytes = Buffer.from(sig['val'] as string, 'base64url');
      bytes[40] = (bytes[40] as number) ^ 1;
      sig['val'] = bytesToBase64url(bytes);
    });
    const { run: r, json } = report(lines);
    assert.equal(r.status, 1);
    assert.deepEqual(codesAt(json), ['8:BAD_SIGNATURE']);
  });

  test('given a deleted event, when verified, then exit 1 STREAM_REVISION_GAP', () => {
    const lines = sample().lines();
    lines.splice(5, 1); // run-a#2
    const { run: r, json } = report(lines);
    assert.equal(r.status, 1);
    assert.deepEqual(codesAt(json), ['6:STREAM_REVISION_GAP']);
    assert.match(json.failures[0]?.message ?? '', /revision 2 is missing/);
  });

  test('given a duplicated event, when verified, then exit 1 STREAM_DUPLICATE_EVENT', () => {
    const lines = sample().lines();
    lines.splice(3, 0, lines[2] as string); // run-a#1 twice
    const { run: r, json } = report(lines);
    assert.equal(r.status, 1);
    assert.deepEqual(codesAt(json), ['4:STREAM_DUPLICATE_EVENT']);
  });

  test('given an older event duplicated later, when verified, then exit 1 STREAM_REVISION_REGRESSION', () => {
    const lines = sample().lines();
    lines.push(lines[1] as string); // run-a#0 at the end
    const { run: r, json } = report(lines);
    assert.equal(r.status, 1);
    // The copy comes after the rotation, so its signer is no longer valid either.
    assert.deepEqual(codesAt(json), ['10:KEY_RETIRED', '10:STREAM_REVISION_REGRESSION']);
  });

  test('given a reordered pair, when verified, then exit 1 STREAM_REORDERED at both events', () => {
    const lines = sample().lines();
    [lines[5], lines[6]] = [lines[6] as string, lines[5] as string]; // run-a#3 before run-a#2
    const { run: r, json } = report(lines);
    assert.equal(r.status, 1);
    assert.deepEqual(codesAt(json), ['6:STREAM_REORDERED', '7:STREAM_REORDERED']);
  });

  test('given an inserted event at an existing revision, when verified, then exit 1 STREAM_REVISION_CONFLICT', () => {
    const b = sample();
    const lines = b.lines();
    const original = JSON.parse(lines[2] as string) as EventEnvelope;
    const { hash: _h, sig: _s, ...unsealed } = original;
    const inserted = signEvent({ ...unsealed, id: original.id.replace(/.$/, 'f'), data: { stage: 'forged' } }, KEY1);
    lines.splice(3, 0, JSON.stringify(inserted));
    const { run: r, json } = report(lines);
    assert.equal(r.status, 1);
    assert.deepEqual(codesAt(json), ['4:STREAM_REVISION_CONFLICT']);
  });

  test('given an event signed by a key not in the chain, when verified, then exit 1 UNKNOWN_KID', () => {
    const b = sample();
    b.append('run-c', 'RunStarted', {}, { signer: KEY4 });
    const { run: r, json } = report(b.lines());
    assert.equal(r.status, 1);
    assert.deepEqual(codesAt(json), ['10:UNKNOWN_KID']);
  });

  test('given the old key used after the rotation, when verified, then exit 1 KEY_RETIRED', () => {
    const b = sample();
    b.append('run-c', 'RunStarted', {}, { signer: KEY1 });
    const { json } = report(b.lines());
    assert.deepEqual(codesAt(json), ['10:KEY_RETIRED']);
  });

  test('given events of a key compromised before its revocation, when verified, then exit 1 KEY_REVOKED', () => {
    const b = sample();
    b.revoke(KEY1.kid, 'leaked', '2026-01-01T00:00:02.000Z'); // position 9, covers positions 2 and 3 (and the rotation at 4)
    const { run: r, json } = report(b.lines());
    assert.equal(r.status, 1);
    assert.deepEqual(codesAt(json), ['3:KEY_REVOKED', '4:KEY_REVOKED', '5:KEY_REVOKED']);
  });

  test('given a forged rotation, when verified, then exit 1 with the key chain code', () => {
    const b = new LedgerBuilder(KEY1);
    b.append('run-a', 'RunStarted', {});
    b.append(KEY_STREAM, 'SigningKeyRotated', {
      previousKid: KEY1.kid,
      kid: KEY3.kid,
      publicKey: bytesToBase64url(KEY3.publicKey),
      proofOfPossession: bytesToBase64url(new Uint8Array(64)),
    });
    const { run: r, json } = report(b.lines());
    assert.equal(r.status, 1);
    assert.deepEqual(codesAt(json), ['3:ROTATION_BAD_PROOF_OF_POSSESSION']);
  });

  test('given the wrong trust root, when verified, then exit 1 GENESIS_NOT_TRUST_ROOT and MISSING_GENESIS (file, then the rotation)', () => {
    const r = run([write(sample().ndjson()), '--trust-root', KEY3.kid, '--json']);
    assert.equal(r.status, 1);
    const json = JSON.parse(r.stdout) as JsonReport;
    assert.deepEqual(
      json.failures.map((f) => f.code),
      ['MISSING_GENESIS', 'GENESIS_NOT_TRUST_ROOT', 'MISSING_GENESIS'],
    );
  });

  test('given an event of another origin, when verified, then exit 1 ORIGIN_MISMATCH', () => {
    const b = sample();
    b.append('run-c', 'RunStarted', {}, { origin: 'elsewhere.example/ledger' });
    const { run: r, json } = report(b.lines());
    assert.equal(r.status, 1);
    assert.deepEqual(codesAt(json), ['10:ORIGIN_MISMATCH']);
  });

  test('given a valid JSON line that is not an envelope, when verified, then exit 1 MALFORMED_ENVELOPE', () => {
    const lines = sample().lines();
    lines[3] = edit(lines[3] as string, (e) => ((e['sig'] as Record<string, string>)['val'] = 'not base64!'));
    const { run: r, json } = report(lines);
    assert.equal(r.status, 1);
    // The malformed event cannot be chained: its stream's next event reports the gap.
    assert.deepEqual(codesAt(json), ['4:MALFORMED_ENVELOPE', '8:STREAM_REVISION_GAP']);
    assert.match(json.failures[0]?.message ?? '', /\/sig\/val/);
  });

  test('given a truncated last line, when verified, then exit 2 INPUT_TRUNCATED without a stack trace', () => {
    const text = sample().ndjson();
    const r = run([write(text.slice(0, text.length - 40)), '--trust-root', KEY1.kid]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^ledger-verify: line 9: the last line has no final newline/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.doesNotMatch(r.stderr, /\bat .*\.js/);
  });

  test('given a line that is not JSON, when verified, then exit 2 MALFORMED_JSON naming the line', () => {
    const lines = sample().lines();
    lines[4] = '{"id": "broken", ';
    const r = verify(lines, ['--json']);
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /line 5: invalid JSON/);
    const json = JSON.parse(r.stdout) as JsonReport;
    assert.equal(json.error?.code, 'MALFORMED_JSON');
    assert.equal(json.error?.line, 5);
  });

  test('given a line with a duplicate property name, when verified, then exit 2 MALFORMED_JSON', () => {
    const lines = sample().lines();
    lines[2] = (lines[2] as string).replace('{"id"', '{"type":"X","id"');
    const r = verify(lines);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /line 3: duplicate property name "type"/);
  });

  test('given invalid UTF-8, when verified, then exit 2 INVALID_UTF8', () => {
    const path = join(dir, 'bad-utf8.ndjson');
    writeFileSync(path, Buffer.concat([Buffer.from(sample().ndjson()), Buffer.from([0x7b, 0xff, 0x7d, 0x0a])]));
    const r = run([path, '--trust-root', KEY1.kid]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /line 10: not valid UTF-8/);
  });

  test('given --help, when run, then usage and exit 0', () => {
    const r = run(['--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^usage: ledger-verify PATH --trust-root KID/);
  });

  test('given no trust root, an unknown option or a bad kid, when run, then exit 2 with usage', () => {
    const file = write(sample().ndjson());
    for (const args of [[file], [file, '--trust-root', 'XYZ'], [file, '--trust-root', KEY1.kid, '--frobnicate'], []]) {
      const r = run(args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, /^ledger-verify: /);
    }
  });

  test('given a missing file or a directory, when run, then exit 2 INPUT_UNREADABLE', () => {
    for (const path of [join(dir, 'nope.ndjson'), dir]) {
      const r = run([path, '--trust-root', KEY1.kid, '--json']);
      assert.equal(r.status, 2);
      assert.equal((JSON.parse(r.stdout) as JsonReport).error?.code, 'INPUT_UNREADABLE');
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
  });

  test('given an empty file, when verified, then exit 1 MISSING_GENESIS', () => {
    const r = run([write(''), '--trust-root', KEY1.kid, '--json']);
    assert.equal(r.status, 1);
    assert.deepEqual(
      (JSON.parse(r.stdout) as JsonReport).failures.map((f) => f.code),
      ['MISSING_GENESIS'],
    );
  });

  test('given a failing ledger without --json, when verified, then the summary lists code, line, stream, revision and event', () => {
    const lines = sample().lines();
    lines[5] = edit(lines[5] as string, (e) => ((e['data'] as Record<string, unknown>)['auc'] = 0.5));
    const r = verify(lines);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /FAILED: 1 failure \(HASH_MISMATCH 1\)/);
    assert.match(r.stdout, /HASH_MISMATCH {2}line 6, stream run-a, rev 2, event [0-9a-f-]{36}: /);
  });
});
