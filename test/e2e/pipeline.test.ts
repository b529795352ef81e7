import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../auth/app-fixture.js';
import { ProcessHost } from '../../src/process/process.host.js';
import { PROCESS_ACTOR } from '../../src/process/reactions.js';
import type { Ledger } from '../../src/ledger/open-ledger.js';
import { useLedgerFixture } from '../support/ledger-fixture.js';
import { eventually, http, seedProject, sha256Hex, type Reply } from './support.js';

const PROJECT = 'ml-service-123';

/** What the workers report, per check of ds-ia-crypto; unit_tests carries the coverage under test. */
function resultFor(checkId: string, coverage: number, evidence: string): Record<string, unknown> {
  switch (checkId) {
    case 'unit_tests':
      return { status: 'PASS', metrics: { coverage, tests: 412 }, evidence: [`sha256:${evidence}`], tool: 'pytest@8.3.2' };
    case 'sast':
      return { status: 'PASS', findings: [{ id: 'semgrep-91', severity: 'LOW', category: 'vulnerability' }], tool: 'semgrep@1.90.0' };
    case 'offline_metrics':
      return { status: 'PASS', metrics: { f1_score: 0.86 } };
    case 'fairness_check':
      return { status: 'PASS', metrics: { disparity: 0.04 } };
    case 'perf_test':
      return { status: 'PASS', metrics: { latency_ms_p95: 180 } };
    default:
      return { status: 'PASS' };
  }
}

describe('end to end over HTTP', () => {
  // The app (and its process manager, which holds a connection) closes before the database drops.
  const ctx = useLedgerFixture();
  describe('ds-ia-crypto from POST /pipelines/run to a decided run', () => suite(ctx));
});

function suite(ctx: ReturnType<typeof useLedgerFixture>): void {
  let app: TestApp;
  let operator: string;
  let operatorAsApprover: string;
  let approver: string;
  let worker: string;

  const call = (method: string, path: string, token: string | undefined, body?: unknown, headers?: Record<string, string>) =>
    http(app.url, method, path, token, body, headers);

  before(async () => {
    app = await startTestApp(ctx.db, ctx.fx);
    await app.app.get(ProcessHost).start(); // as qledger serve does
    await seedProject(ledgerOf(ctx), PROJECT);
    const issue = (subject: string, role: 'operator' | 'approver' | 'worker') =>
      app.issuer.issue({ subject, role, projects: [PROJECT], ttlSeconds: 600 });
    operator = await issue('alice', 'operator');
    operatorAsApprover = await issue('alice', 'approver');
    approver = await issue('bob', 'approver');
    worker = await issue('worker-7', 'worker');
  });
  after(async () => {
    await app.close();
  });

  /** Acts as the quality workers: reports every scheduled check until the run awaits its decision. */
  async function work(runId: string, coverage: number, evidence: string): Promise<Reply> {
    return eventually(`run ${runId} to await its decision`, async () => {
      const run = await call('GET', `/runs/${runId}`, worker);
      assert.equal(run.status, 200, JSON.stringify(run.body));
      if (run.body.status !== 'RUNNING' && run.body.status !== 'QUEUED') return run;
      for (const [checkId, c] of Object.entries(run.body.checks as Record<string, { status: string; attempt: number }>)) {
        if (c.status !== 'SCHEDULED') continue;
        const r = await call('POST', `/runs/${runId}/checks/${checkId}/result`, worker, resultFor(checkId, coverage, evidence), {
          'idempotency-key': `${runId}/${checkId}/${c.attempt}`,
        });
        assert.equal(r.status, 200, JSON.stringify(r.body));
      }
      return undefined;
    });
  }

  async function trigger(key: string): Promise<string> {
    const body = { project_id: PROJECT, event_type: 'manual_trigger', parameters: { branch: 'main', model_version: 'v3.4.1' } };
    const res = await call('POST', '/pipelines/run', operator, body, { 'idempotency-key': key });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.status, 'QUEUED');
    assert.match(res.body.pipeline_run_id, /^prun-[0-9a-f]{20}$/);
    return res.body.pipeline_run_id as string;
  }

  it('passes: results and evidence from workers, a policy verdict with its explanation, a second person approves', async () => {
    const runId = await trigger('release-2026-11-23');

    // A replay of the same request answers the same run and writes nothing.
    const head = await ctx.fx.store.headPosition();
    const replay = await call(
      'POST',
      '/pipelines/run',
      operator,
      { project_id: PROJECT, event_type: 'manual_trigger', parameters: { branch: 'main', model_version: 'v3.4.1' } },
      { 'idempotency-key': 'release-2026-11-23' },
    );
    assert.equal(replay.status, 202);
    assert.equal(replay.body.pipeline_run_id, runId);
    assert.equal(replay.body.idempotent, true);
    // The same key with another body is refused with 422 and writes nothing; key order is not another body.
    const reused = await call(
      'POST',
      '/pipelines/run',
      operator,
      { project_id: PROJECT, event_type: 'manual_trigger', parameters: { branch: 'hotfix', model_version: 'v3.4.1' } },
      { 'idempotency-key': 'release-2026-11-23' },
    );
    assert.equal(reused.status, 422, JSON.stringify(reused.body));
    assert.equal(reused.body.error.code, 'IDEMPOTENCY_KEY_REUSED');
    const written = (await ctx.fx.store.readAll({ fromPosition: head }))
      .map((r) => JSON.parse(r.data) as { type: string; actor: { id: string } })
      .filter((e) => e.actor.id !== PROCESS_ACTOR.id);
    assert.deepEqual(written, [], 'nothing written but by the process manager, which runs the first request');
    const reordered = await call(
      'POST',
      '/pipelines/run',
      operator,
      { parameters: { model_version: 'v3.4.1', branch: 'main' }, event_type: 'manual_trigger', project_id: PROJECT },
      { 'idempotency-key': 'release-2026-11-23' },
    );
    assert.equal(reordered.status, 202, JSON.stringify(reordered.body));
    assert.equal(reordered.body.pipeline_run_id, runId);

    // The coverage report, uploaded as evidence and read back byte for byte.
    const report = new TextEncoder().encode(JSON.stringify({ coverage: 0.85, files: 88 }));
    const digest = sha256Hex(report);
    const put = await call('PUT', `/evidence/${digest}`, worker, report, { 'x-evidence-media-type': 'application/json' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.sha256, digest);
    const back = await fetch(`${app.url}/evidence/${digest}`, { headers: { authorization: `Bearer ${approver}` } });
    assert.equal(back.status, 200);
    assert.equal(sha256Hex(new Uint8Array(await back.arrayBuffer())), digest);
    assert.ok((await ctx.fx.store.headPosition()) > head, 'the evidence was recorded');

    const awaiting = await work(runId, 0.85, digest);
    assert.equal(awaiting.body.status, 'AWAITING_DECISION', JSON.stringify(awaiting.body));
    const evaluated = await eventually('the policy evaluation', async () => {
      const r = await call('GET', `/runs/${runId}`, approver);
      return r.body.decision.evaluation ? r : undefined;
    });
    const evaluation = evaluated.body.decision.evaluation;
    assert.notEqual(evaluation.verdict, 'REJECTED', JSON.stringify(evaluation));
    const conditions = evaluation.explanation.conditions as {
      name: string;
      outcome: string;
      observed: { call: string; value: unknown }[];
    }[];
    assert.deepEqual(
      conditions.map((c) => [c.name, c.outcome]),
      [
        ['all_required_checks_pass', 'PASS'],
        ['coverage_at_least_80', 'PASS'],
        ['no_high_vulnerabilities', 'PASS'],
        ['no_crypto_anti_patterns', 'PASS'],
      ],
    );
    assert.deepEqual(
      conditions[1]?.observed.map((o) => [o.call, o.value]),
      [["metric('coverage')", 0.85]],
    );
    assert.equal(evaluated.body.status, 'AWAITING_DECISION', 'production needs one human approval');

    // The initiator may not approve their own run, even holding the approver role: 403, nothing written.
    const before403 = await ctx.fx.store.headPosition();
    const own = await call('POST', `/runs/${runId}/approvals`, operatorAsApprover, { role: 'approver', comment: 'lgtm' });
    assert.equal(own.status, 403, JSON.stringify(own.body));
    assert.equal(own.body.error.code, 'SEPARATION_OF_DUTIES');
    assert.equal(await ctx.fx.store.headPosition(), before403);

    const ok = await call('POST', `/runs/${runId}/approvals`, approver, { role: 'approver', comment: 'coverage and scans reviewed' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(
      ok.body.events.map((e: { type: string }) => e.type),
      ['ApprovalGranted', 'DecisionApproved'],
    );
    const done = await eventually('the run to succeed', async () => {
      const r = await call('GET', `/runs/${runId}`, approver);
      return r.body.status === 'SUCCEEDED' ? r : undefined;
    });
    assert.equal(done.body.decision.status, 'APPROVED');
    assert.match(done.body.reasons.join(' '), /approved by usr:[0-9a-f]+ \(approver\)/);
  });

  it('fails: coverage 0.7 is rejected, naming the coverage condition and the value it saw', async () => {
    const runId = await trigger('release-2026-11-23-b');
    await work(runId, 0.7, sha256Hex('no evidence uploaded for this one'));
    const failed = await eventually('the run to fail', async () => {
      const r = await call('GET', `/runs/${runId}`, operator);
      return r.body.status === 'FAILED' ? r : undefined;
    });
    const evaluation = failed.body.decision.evaluation;
    assert.equal(evaluation.verdict, 'REJECTED');
    const coverage = (evaluation.explanation.conditions as { name: string; outcome: string; observed: { value: unknown }[] }[]).find(
      (c) => c.name === 'coverage_at_least_80',
    );
    assert.equal(coverage?.outcome, 'FAIL');
    assert.deepEqual(
      coverage?.observed.map((o) => o.value),
      [0.7],
    );
    const summary = (evaluation.explanation.summary as string[]).join('\n');
    assert.match(summary, /coverage_at_least_80: test coverage must be at least 0\.8 \(saw metric\('coverage'\) = 0\.7\)/);
    assert.equal(failed.body.decision.status, 'REJECTED');
    assert.match(failed.body.reasons.join(' '), /rejected/);
    // Only the coverage condition blocked.
    const blocking = (evaluation.explanation.conditions as { name: string; blocking: boolean }[]).filter((c) => c.blocking);
    assert.deepEqual(
      blocking.map((c) => c.name),
      ['coverage_at_least_80'],
    );
  });
}

function ledgerOf(ctx: ReturnType<typeof useLedgerFixture>): Ledger {
  return { store: ctx.fx.store, keyRing: ctx.fx.keyRing, writer: ctx.fx.writer, pool: ctx.db.pool } as unknown as Ledger;
}
