import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import type { EventEnvelope } from 'ledger-verify';
import { after, before, describe, it } from 'node:test';
import { AppModule } from '../../src/app/app.module.js';
import { loadConfig } from '../../src/config/config.js';
import { runDemo, type DemoReport } from '../../src/demo/demo.js';
import { ProcessHost } from '../../src/process/process.host.js';
import { useLedgerFixture } from '../support/ledger-fixture.js';
import { ledgerOf } from '../process/harness.js';

describe('qledger demo', () => {
  const ctx = useLedgerFixture();
  describe('a small demo through the real commands, with the process manager', () => {
    let app: INestApplication;
    let report: DemoReport;
    before(async () => {
      const config = loadConfig({ QLEDGER_DATA_DIR: await mkdtemp(join(tmpdir(), 'qledger-demo-')) });
      const ledger = ledgerOf(ctx);
      app = await NestFactory.create(AppModule.forLedger(ledger, config), { logger: false });
      await app.init();
      report = await runDemo(ledger, app.get(CommandBus), await app.get(ProcessHost).start(), {
        runs: 6,
        seed: 3,
        trustRoot: ctx.fx.trustRoot,
      });
    });
    after(async () => {
      await app.close();
    });

    it('ends every run it requested, key rotations included, and verifies the whole log', async () => {
      assert.equal(report.verified.ok, true, JSON.stringify(report.verified));
      assert.equal(report.verified.events, await ctx.fx.store.headPosition());
      assert.equal(report.runs.byKeyRotation, 2, 'one crypto pipeline run per rotated managed key');
      assert.equal(report.runs.requested, 6 + 2);
      assert.equal(report.runs.succeeded + report.runs.failed, report.runs.requested);
      assert.equal(report.managedKeyRotations, 2);
      assert.equal(report.signingKeyRotations, 1);
      assert.ok(report.approvals > 0);
      assert.equal(report.batchManifests, 1);
      assert.ok(report.modelsApproved >= 1);
    });

    it('honours the waiver it grants: the run with the waived finding succeeds, its evaluation naming the waiver', async () => {
      const events = (await ctx.fx.store.readAll()).map((r) => JSON.parse(r.data) as EventEnvelope);
      const granted = events.filter((e) => e.type === 'WaiverGranted');
      assert.equal(granted.length, 1);
      const runId = granted[0]!.stream.slice('decision-'.length);
      const evaluated = events.filter((e) => e.stream === granted[0]!.stream && e.type === 'PolicyEvaluated').at(-1);
      assert.deepEqual((evaluated?.data as { waiverIds: string[] }).waiverIds, [(granted[0]!.data as { waiverId: string }).waiverId]);
      assert.ok(events.some((e) => e.stream === `run-${runId}` && e.type === 'RunSucceeded'));
    });
  });

  it('refuses a bad --runs with a usage error (exit 2), before opening anything', () => {
    const r = spawnSync(process.execPath, ['dist/src/cli/main.js', 'demo', '--runs', '0'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--runs must be an integer from 1 to 1000 \(got "0"\)/);
  });
});
