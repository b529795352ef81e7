import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { verifyEvent, type EventEnvelope } from 'ledger-verify';
import { useLedgerFixture } from '../support/ledger-fixture.js';
import type { TestDatabase } from '../support/pg.js';

const child = new URL('../support/crash-writer.js', import.meta.url).pathname;

/**
 * Runs the crash writer and SIGKILLs it when `killOn` matches a line it prints, or
 * `killAfterMs` after its first acknowledged append (a timer lands wherever the writer is by
 * then: sealing, inside the transaction, ...). Counting from the first append, not from the
 * spawn, keeps a slow start on a loaded machine from killing it before it wrote anything.
 */
function runUntilKilled(
  db: TestDatabase,
  keysDir: string,
  prefix: string,
  pauseMs: number,
  killOn: (line: string) => boolean,
  killAfterMs?: number,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, db.url, keysDir, prefix, String(pauseMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    p.stderr.on('data', (d) => (stderr += d));
    createInterface({ input: p.stdout }).on('line', (line) => {
      lines.push(line);
      if (killOn(line)) p.kill('SIGKILL');
      if (killAfterMs !== undefined && timer === undefined && line.startsWith('appended')) {
        timer = setTimeout(() => p.kill('SIGKILL'), killAfterMs);
      }
    });
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve(lines);
      else reject(new Error(`crash writer exited with ${code}: ${stderr}`));
    });
  });
}

describe('a crash between sealing and appending, or during the append', () => {
  const t = useLedgerFixture();

  async function assertWhole(prefix: string, lines: string[]): Promise<void> {
    const publicKey = Buffer.from(t.fx.keyRing.list().find((k) => k.kid === t.fx.keyRing.activeKid)!.publicKey, 'base64url');
    const sealed = lines.filter((l) => l.startsWith('sealed')).length;
    let complete = 0;
    for (let i = 0; i < sealed; i++) {
      const events = (await t.fx.store.readStream(`run-${prefix}-${i}`)).map((r) => JSON.parse(r.data) as EventEnvelope);
      assert.ok(events.length === 0 || events.length === 20, `stream ${i} holds ${events.length} of 20 events: half-written`);
      if (events.length === 20) complete++;
      events.forEach((e, j) => {
        assert.equal(e.revision, j);
        assert.equal(e.prev, j === 0 ? null : events[j - 1]!.hash);
        assert.ok(verifyEvent(e, publicKey).ok);
      });
    }
    const appended = lines.filter((l) => l.startsWith('appended')).length;
    assert.ok(complete >= appended && complete <= appended + 1, `${complete} complete batches for ${appended} acknowledged appends`);
    const rows = await t.db.pool.query<{ n: string; head: string }>(
      'SELECT (SELECT count(*) FROM ql_events) AS n, (SELECT next_position FROM ql_log_head) AS head',
    );
    assert.equal(rows.rows[0]!.n, rows.rows[0]!.head, 'the log head and the stored events disagree');
  }

  it('killed right after sealing: the sealed batch is not in the store, earlier ones are whole', async () => {
    const prefix = randomBytes(4).toString('hex');
    let appended = 0;
    const lines = await runUntilKilled(t.db, t.fx.keysDir, prefix, 200, (l) => {
      if (l.startsWith('appended')) appended++;
      return appended >= 3 && l.startsWith('sealed');
    });
    await assertWhole(prefix, lines);
    const lastSealed = lines.filter((l) => l.startsWith('sealed')).length - 1;
    assert.equal((await t.fx.store.readStream(`run-${prefix}-${lastSealed}`)).length, 0);
  });

  it('killed at arbitrary points during appends: every batch is all or nothing', async () => {
    for (let round = 0; round < 6; round++) {
      const prefix = randomBytes(4).toString('hex');
      // A timer, not a line, decides the kill: it lands wherever the writer is by then (the
      // timer starts at the first acknowledged append, so there is always something to check).
      const lines = await runUntilKilled(t.db, t.fx.keysDir, prefix, 0, () => false, 40 + round * 37);
      await assertWhole(prefix, lines);
    }
  });
});
