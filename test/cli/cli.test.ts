import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { isAlive } from '../../src/pg/process-info.js';

const MAIN = new URL('../../src/cli/main.js', import.meta.url).pathname;
const PASS = 'cli test passphrase 1';

function dataDir(): string {
  return mkdtempSync(join(tmpdir(), 'qledger-cli-'));
}

function cli(args: string[], env: Record<string, string> = {}): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function trustRootOf(out: string): string {
  const m = /^trust root: ([0-9a-f]{32})$/m.exec(out);
  assert.ok(m, `no trust root line in:\n${out}`);
  return m[1] as string;
}

interface Served {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly port: number;
  readonly trustRoot: string;
}

function serve(env: Record<string, string>, args: string[] = []): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, 'serve', ...args], {
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let trustRoot = '';
    createInterface({ input: child.stderr! }).on('line', (l) => lines.push(l));
    createInterface({ input: child.stdout! }).on('line', (l) => {
      lines.push(l);
      const t = /^trust root: ([0-9a-f]{32})$/.exec(l);
      if (t) trustRoot = t[1] as string;
      const m = /^listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(l);
      if (m) resolve({ child, lines, port: Number(m[1]), trustRoot });
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${lines.join('\n')}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (c) => r(c))));
}

function postmasterPid(dir: string): number | undefined {
  try {
    return Number(readFileSync(join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

describe('qledger CLI', () => {
  it('init creates the genesis key and prints the trust root; a second init changes nothing and prints the same', () => {
    const env = { QLEDGER_DATA_DIR: dataDir(), QLEDGER_KEY_PASSPHRASE: PASS };
    const first = cli(['init'], env);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /^initialized ledger in /m);
    const kid = trustRootOf(first.out);
    const second = cli(['init'], env);
    assert.equal(second.code, 0, second.err);
    assert.match(second.out, /nothing changed/);
    assert.equal(trustRootOf(second.out), kid);
    const status = cli(['status'], env);
    assert.equal(status.code, 0, status.err);
    assert.match(status.out, /^events: +1$/m);
    assert.match(status.out, new RegExp(`^trust root: +${kid}$`, 'm'));
    assert.match(status.out, /key storage: +encrypted/);
  });

  it('keys rotate, list and revoke go through the command bus and keep the chain', () => {
    const env = { QLEDGER_DATA_DIR: dataDir(), QLEDGER_KEY_PASSPHRASE: PASS };
    const kid = trustRootOf(cli(['init'], env).out);
    const rotated = cli(['keys', 'rotate'], env);
    assert.equal(rotated.code, 0, rotated.err);
    const m = /^rotated: ([0-9a-f]{32}) -> ([0-9a-f]{32})/m.exec(rotated.out);
    assert.ok(m && m[1] === kid && m[2] !== kid, rotated.out);
    const revokeActive = cli(['keys', 'revoke', m[2] as string, '--reason', 'test'], env);
    assert.equal(revokeActive.code, 1);
    assert.match(revokeActive.err, /rotate first.*\[REVOKE_ACTIVE_KEY\]$/m);
    const revoked = cli(['keys', 'revoke', kid, '--reason', 'retired in test', '--compromised-since', '2026-01-01T00:00:00.000Z'], env);
    assert.equal(revoked.code, 0, revoked.err);
    const list = cli(['keys', 'list'], env);
    assert.match(list.out, new RegExp(`^${kid}  revoked .*\\(trust root\\)$`, 'm'));
    assert.match(list.out, new RegExp(`^${m[2]}  active `, 'm'));
  });

  it('serve answers the health probes over HTTP, prints the trust root, and stops cleanly on SIGTERM', async () => {
    const dir = dataDir();
    const s = await serve({ QLEDGER_DATA_DIR: dir, QLEDGER_KEY_PASSPHRASE: PASS });
    try {
      assert.match(s.trustRoot, /^[0-9a-f]{32}$/);
      const live = await fetch(`http://127.0.0.1:${s.port}/health/live`);
      assert.equal(live.status, 200);
      assert.deepEqual(await live.json(), { status: 'ok' });
      const ready = await fetch(`http://127.0.0.1:${s.port}/health/ready`);
      assert.equal(ready.status, 200);
      assert.equal(((await ready.json()) as { trustRoot: string }).trustRoot, s.trustRoot);
      assert.equal((await fetch(`http://127.0.0.1:${s.port}/nope`)).status, 404);
    } finally {
      s.child.kill('SIGTERM');
    }
    await exited(s.child);
    const pid = postmasterPid(dir);
    assert.ok(pid === undefined || !isAlive(pid), 'PostgreSQL still runs after serve stopped');
    assert.equal(trustRootOf(cli(['init'], { QLEDGER_DATA_DIR: dir, QLEDGER_KEY_PASSPHRASE: PASS }).out), s.trustRoot);
  });

  it('serve on a port already in use: exit 2, a last line naming the port and what to do, PostgreSQL stopped', async () => {
    const dir = dataDir();
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as AddressInfo).port;
    try {
      const child = spawn(process.execPath, [MAIN, 'serve', '--port', String(port)], {
        env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', QLEDGER_DATA_DIR: dir, QLEDGER_KEY_PASSPHRASE: PASS },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
      assert.equal(await exited(child), 2, err);
      const lines = err.trim().split('\n');
      assert.equal(
        lines.at(-1),
        `qledger: port ${port} on 127.0.0.1 is already in use: stop the process using it, or choose another port with PORT or --port`,
      );
      assert.doesNotMatch(err, /\n\s+at /, `a stack trace:\n${err}`);
    } finally {
      taken.close();
    }
    const pid = postmasterPid(dir);
    assert.ok(pid === undefined || !isAlive(pid), 'PostgreSQL still runs after serve failed to start');
  });

  it('while serve runs, the CLI attaches to its PostgreSQL; a rotation made there shows in readiness', async () => {
    const env = { QLEDGER_DATA_DIR: dataDir(), QLEDGER_KEY_PASSPHRASE: PASS };
    const s = await serve(env);
    try {
      const rotated = cli(['keys', 'rotate'], env);
      assert.equal(rotated.code, 0, rotated.err);
      assert.match(rotated.err, /attached to the cluster run by qledger process/);
      const kid = /-> ([0-9a-f]{32})/.exec(rotated.out)?.[1];
      const ready = (await (await fetch(`http://127.0.0.1:${s.port}/health/ready`)).json()) as { activeKid: string; trustRoot: string };
      assert.equal(ready.activeKid, kid);
      assert.equal(ready.trustRoot, s.trustRoot);
    } finally {
      s.child.kill('SIGTERM');
      await exited(s.child);
    }
  });

  it('a crashed serve (SIGKILL, PostgreSQL orphaned) does not block the next start', async () => {
    const dir = dataDir();
    const env = { QLEDGER_DATA_DIR: dir, QLEDGER_KEY_PASSPHRASE: PASS };
    const first = await serve(env);
    first.child.kill('SIGKILL');
    await exited(first.child);
    const orphan = postmasterPid(dir);
    assert.ok(orphan !== undefined && isAlive(orphan), 'expected the orphaned postmaster to still run');
    const second = await serve(env);
    try {
      assert.equal(second.trustRoot, first.trustRoot);
      assert.ok(
        second.lines.some((l) => /left by a previous run/.test(l)),
        second.lines.join('\n'),
      );
      assert.ok(!isAlive(orphan) || postmasterPid(dir) !== orphan);
      assert.equal((await fetch(`http://127.0.0.1:${second.port}/health/ready`)).status, 200);
    } finally {
      second.child.kill('SIGTERM');
      await exited(second.child);
    }
  });

  it('a stale pid file naming a live, unrelated process does not block the start', async () => {
    const dir = dataDir();
    const env = { QLEDGER_DATA_DIR: dir, QLEDGER_KEY_PASSPHRASE: PASS };
    assert.equal(cli(['init'], env).code, 0);
    const unrelated = spawn('sleep', ['60']);
    try {
      const pidFile = join(dir, 'pg', 'postmaster.pid');
      writeFileSync(pidFile, `${unrelated.pid}\n${join(dir, 'pg')}\n0\n5432\n`);
      const r = cli(['status'], env);
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /removing a stale pid file/);
    } finally {
      unrelated.kill();
    }
  });

  it('npm start style: development key mode works without a passphrase and says so on every start', async () => {
    const dir = dataDir();
    const s = await serve({ QLEDGER_DATA_DIR: dir }, ['--dev-insecure-keys']);
    s.child.kill('SIGTERM');
    await exited(s.child);
    assert.ok(s.lines.some((l) => /WARNING: development key mode/.test(l)));
    const status = cli(['status', '--dev-insecure-keys'], { QLEDGER_DATA_DIR: dir });
    assert.match(status.err, /WARNING: development key mode/);
    assert.match(status.out, /UNENCRYPTED/);
  });

  describe('errors are one line with a non-zero exit code', () => {
    const cases: Array<[string, string[], Record<string, string>, number, RegExp]> = [
      ['an unknown command', ['frobnicate'], {}, 2, /^qledger: unknown command "frobnicate": use one of init, serve, keys, status/],
      ['an unknown flag', ['init', '--nope'], {}, 2, /^qledger: Unknown option '--nope'.*\(usage: qledger init/],
      [
        'a wrong PORT',
        ['serve'],
        { PORT: 'eighty' },
        2,
        /^qledger: invalid configuration: PORT must be an integer from 0 to 65535 \(got "eighty"\)$/,
      ],
      [
        'a bad QLEDGER_PG_URL',
        ['status'],
        { QLEDGER_PG_URL: 'http://db' },
        2,
        /^qledger: invalid configuration: QLEDGER_PG_URL must be a PostgreSQL URL/,
      ],
      [
        'no passphrase and no development mode',
        ['init'],
        {},
        1,
        /^qledger: signing keys are encrypted at rest: set QLEDGER_KEY_PASSPHRASE.*\[NO_KEY_PASSPHRASE\]$/,
      ],
      [
        'an unreachable external PostgreSQL',
        ['status'],
        { QLEDGER_PG_URL: 'postgresql://u:secretpw@127.0.0.1:1/db' },
        1,
        /^qledger: the PostgreSQL event store failed: .*\[STORE_UNAVAILABLE\]$/,
      ],
      ['keys without a subcommand', ['keys'], {}, 2, /^$/],
    ];
    for (const [what, args, env, code, pattern] of cases) {
      it(`given ${what}`, () => {
        const r = cli(args, { QLEDGER_DATA_DIR: dataDir(), ...env });
        assert.equal(r.code, code, `exit code; stderr: ${r.err}`);
        const errLines = r.err.trim() === '' ? [] : r.err.trim().split('\n');
        assert.ok(errLines.length <= 1, `more than one error line:\n${r.err}`);
        assert.match(errLines[0] ?? '', pattern);
        assert.ok(!r.err.includes('secretpw'), 'a password was printed');
        assert.ok(!/\n\s+at /.test(r.err), 'a stack trace was printed');
      });
    }
  });

  it('--help works for every command', () => {
    for (const args of [['--help'], ['init', '--help'], ['serve', '--help'], ['keys', '--help'], ['status', '--help']]) {
      const r = cli(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
      assert.match(r.out, /Usage: qledger/);
    }
  });
});
