import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { base64ToBytes, leafHash, verifyInclusion } from 'ledger-verify';

const MAIN = new URL('../../src/cli/main.js', import.meta.url).pathname;

function cli(args: string[], env: Record<string, string>): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('qledger checkpoint, export, proof, verify', () => {
  it('seals, exports atomically (refusing an existing target), proves inclusion and verifies the live store', () => {
    const env = { QLEDGER_DATA_DIR: mkdtempSync(join(tmpdir(), 'qledger-cli-export-')), QLEDGER_KEY_PASSPHRASE: 'cli export passphrase' };
    assert.equal(cli(['init'], env).code, 0);
    assert.equal(cli(['keys', 'rotate'], env).code, 0);
    const cp = cli(['checkpoint'], env);
    assert.equal(cp.code, 0, cp.err);
    assert.match(cp.out, /^checkpoint: size 2 root [A-Za-z0-9+/]{43}= \(event [0-9a-f-]{36}\)$/m);
    const again = cli(['checkpoint'], env);
    assert.match(again.out, /nothing to seal/);
    const status = cli(['status'], env);
    assert.match(status.out, /^checkpoints: +1 \(latest: size 2, /m);
    assert.match(status.out, /^sealer: +not running$/m);

    const out = join(mkdtempSync(join(tmpdir(), 'qledger-cli-out-')), 'audit');
    const ex = cli(['export', '--out', out], env);
    assert.equal(ex.code, 0, ex.err);
    assert.match(ex.out, /exported 2 events and 1 checkpoints to .*audit \(the last checkpoint covers 2 of them\)/);
    assert.deepEqual(readdirSync(out).sort(), ['checkpoints.ndjson', 'events.ndjson', 'manifest.json']);
    const refused = cli(['export', '--out', out], env);
    assert.equal(refused.code, 1);
    const errors = refused.err.split('\n').filter((l) => l.startsWith('qledger:'));
    assert.equal(errors.length, 1, refused.err);
    assert.match(refused.err, /already exists: choose a new path or remove it first .*\[EXPORT_TARGET_EXISTS\]$/m);
    const usage = cli(['export'], env);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /needs --out DIR/);

    const proof = cli(['proof', 'inclusion', '--leaf', '1'], env);
    assert.equal(proof.code, 0, proof.err);
    const p = JSON.parse(proof.out) as {
      leafIndex: number;
      treeSize: number;
      eventHash: string;
      proof: string[];
      checkpoint: { root: string };
    };
    const line = JSON.parse(readFileSync(join(out, 'events.ndjson'), 'utf8').split('\n')[1] as string) as { event: { hash: string } };
    assert.equal(p.eventHash, line.event.hash);
    assert.ok(
      verifyInclusion(
        1,
        p.treeSize,
        leafHash(p.eventHash),
        p.proof.map((h) => base64ToBytes(h) as Uint8Array),
        base64ToBytes(p.checkpoint.root) as Uint8Array,
      ),
    );

    const verified = cli(['verify', '--json'], env);
    assert.equal(verified.code, 0, verified.err + verified.out);
    assert.equal((JSON.parse(verified.out) as { ok: boolean }).ok, true);
    assert.doesNotMatch(verified.err, /DeprecationWarning|Warning: Closing/, 'no FileHandle left to the garbage collector (DEP0137)');
    const wrongRoot = cli(['verify', '--trust-root', 'f'.repeat(32)], env);
    assert.equal(wrongRoot.code, 1, wrongRoot.out);
  });

  it('serve runs the sealer: it seals on its own, and qledger checkpoint meanwhile answers SEALER_BUSY', async () => {
    const env = {
      QLEDGER_DATA_DIR: mkdtempSync(join(tmpdir(), 'qledger-cli-serve-')),
      QLEDGER_KEY_PASSPHRASE: 'cli serve passphrase',
      QLEDGER_CHECKPOINT_INTERVAL_MS: '200',
    };
    const child = spawn(process.execPath, [MAIN, 'serve'], {
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    createInterface({ input: child.stderr }).on('line', (l) => lines.push(l));
    createInterface({ input: child.stdout }).on('line', (l) => lines.push(l));
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    try {
      const end = Date.now() + 60_000;
      while (!lines.some((l) => /^qledger: sealer: checkpoint 1 /.test(l))) {
        if (Date.now() > end || child.exitCode !== null) assert.fail(`no checkpoint from serve:\n${lines.join('\n')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(lines.some((l) => /^qledger: sealer: active \(/.test(l)));
      const busy = cli(['checkpoint'], env);
      assert.equal(busy.code, 1);
      assert.match(busy.err, /the sealer is running in .* \[SEALER_BUSY\]$/m);
      const out = join(mkdtempSync(join(tmpdir(), 'qledger-cli-out-')), 'live');
      const ex = cli(['export', '--out', out, '--tar'], env);
      assert.equal(ex.code, 0, ex.err);
      assert.match(ex.err, /warning: no checkpoint sealed before the export .*\[SEALER_BUSY\]/);
      assert.match(ex.out, /exported 1 events and 1 checkpoints to .*live\.tar\.gz \(the last checkpoint covers 1 of them\)/);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
