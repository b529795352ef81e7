import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';

const MAIN = new URL('../../src/cli/main.js', import.meta.url).pathname;
// No checkpoint during the test (the sealer runs in serve): the audit trail and the projection positions stay exact.
const BASE_ENV = {
  PATH: process.env['PATH'] ?? '',
  HOME: process.env['HOME'] ?? '/tmp',
  QLEDGER_KEY_PASSPHRASE: 'api e2e passphrase 1',
  QLEDGER_CHECKPOINT_INTERVAL_MS: '86400000',
};

function cli(args: string[], env: Record<string, string>): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { env: { ...BASE_ENV, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function serve(env: Record<string, string>): Promise<{ child: ChildProcess; port: number; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, 'serve'], { env: { ...BASE_ENV, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    createInterface({ input: child.stderr! }).on('line', (l) => lines.push(l));
    createInterface({ input: child.stdout! }).on('line', (l) => {
      lines.push(l);
      const m = /^listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(l);
      if (m) resolve({ child, port: Number(m[1]), lines });
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${lines.join('\n')}`)));
  });
}

describe('qledger serve with the API (end to end)', () => {
  it('token, apikeys, GraphQL and projections work against the running service', async () => {
    const env = { QLEDGER_DATA_DIR: mkdtempSync(join(tmpdir(), 'qledger-api-e2e-')) };
    const s = await serve(env);
    const url = `http://127.0.0.1:${s.port}`;
    try {
      const token = cli(['token', '--role', 'auditor'], env);
      assert.equal(token.code, 0, token.err);
      const created = cli(['apikeys', 'create', '--role', 'worker', '--project', 'p1'], env);
      assert.equal(created.code, 0, created.err);
      const key = created.out.trim();
      assert.match(key, /^qlk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);

      const who = await fetch(`${url}/auth/whoami`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(who.status, 200);
      assert.deepEqual(((await who.json()) as { roles: string[] }).roles, ['worker']);
      assert.equal((await fetch(`${url}/auth/whoami`)).status, 401);

      let items: Array<{ type: string }> = [];
      for (let i = 0; i < 100 && items.length === 0; i++) {
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token.out.trim()}` },
          body: JSON.stringify({ query: '{ auditTrail { items { type actorId } } }' }),
        });
        assert.equal(res.status, 200);
        items = ((await res.json()) as { data: { auditTrail: { items: Array<{ type: string }> } } }).data.auditTrail.items;
        if (items.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(
        items.map((i) => i.type),
        ['SigningKeyGenesis'],
      );

      const busy = cli(['projections', 'rebuild', 'audit-trail'], env);
      assert.equal(busy.code, 1);
      assert.match(busy.err, /\[PROJECTION_BUSY\]$/m);
      const status = cli(['projections'], env);
      assert.equal(status.code, 0, status.err);
      assert.match(status.out, /^audit-trail +v1 +position 1 +head 1 +lag 0 events/m);
    } finally {
      s.child.kill('SIGTERM');
      await new Promise((r) => (s.child.exitCode !== null ? r(null) : s.child.once('exit', r)));
    }
    const rebuilt = cli(['projections', 'rebuild', 'audit-trail'], env);
    assert.equal(rebuilt.code, 0, rebuilt.err);
    assert.match(rebuilt.err, /projection audit-trail rebuilt/);
    assert.match(rebuilt.out, /^audit-trail +v1 +position 1 +head 1 +lag 0 events, 0 ms$/m);
  });
});
