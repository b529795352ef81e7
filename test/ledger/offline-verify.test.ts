import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { counter, meta, useLedgerFixture } from '../support/ledger-fixture.js';

const BIN = new URL('../../../ledger-verify/dist/src/cli.js', import.meta.url).pathname;

function verify(
  lines: string[],
  trustRoot: string,
): { code: number; report: { ok: boolean; failures: Array<{ code: string; stream: string }> } } {
  const file = join(mkdtempSync(join(tmpdir(), 'qledger-offline-')), 'events.ndjson');
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  const r = spawnSync(process.execPath, [BIN, file, '--trust-root', trustRoot, '--json'], { encoding: 'utf8' });
  return { code: r.status ?? -1, report: JSON.parse(r.stdout) };
}

describe('what the service writes, the offline verifier accepts', () => {
  const t = useLedgerFixture();
  let lines: string[];
  before(async () => {
    const fx = t.fx;
    const runs = Array.from({ length: 5 }, () => `run-${randomUUID()}`);
    for (const s of runs)
      await fx.writer.execute(s, counter, { type: 'Increment', count: 3, payload: { note: 'ação', n: 1.5e-7 } }, meta());
    const { previousKid } = await fx.keyRing.rotate(meta({ actor: { id: 'operator:test', kind: 'user' } }));
    for (const s of runs) await fx.writer.execute(s, counter, { type: 'Increment', count: 1 }, meta());
    await fx.keyRing.revoke(previousKid, 'rotated out in test', null, meta({ actor: { id: 'operator:test', kind: 'user' } }));
    lines = (await fx.store.readAll()).map((r) => r.data);
  });

  it('given the whole log in global order, ledger-verify exits 0', () => {
    const { code, report } = verify(lines, t.fx.trustRoot);
    assert.equal(code, 0, JSON.stringify(report.failures));
    assert.equal(report.ok, true);
  });

  it('given a changed payload, ledger-verify exits 1 with HASH_MISMATCH on that stream', () => {
    const i = lines.findIndex((l) => l.includes('"Incremented"'));
    const tampered = [...lines];
    tampered[i] = (tampered[i] as string).replace('"value":1', '"value":7');
    const { code, report } = verify(tampered, t.fx.trustRoot);
    assert.equal(code, 1);
    assert.equal(report.failures[0]?.code, 'HASH_MISMATCH');
    assert.equal(report.failures[0]?.stream, JSON.parse(lines[i] as string).stream);
  });

  it('given another trust root, ledger-verify exits 1', () => {
    assert.equal(verify(lines, 'f'.repeat(32)).code, 1);
  });
});
