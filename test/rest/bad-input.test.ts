import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../auth/app-fixture.js';
import { useLedgerFixture } from '../support/ledger-fixture.js';
import { http, sha256Hex } from '../e2e/support.js';
import { FLOW_ROUTES } from './routes.js';

type Role = 'operator' | 'worker' | 'approver';

/** Every REST route of the edge, each with an input it must refuse. */
const CASES: {
  route: string;
  role: Role;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  paths: string[];
}[] = [
  {
    route: 'POST /pipelines/run',
    role: 'operator',
    method: 'POST',
    path: '/pipelines/run',
    body: { project_id: 'bad id!', event_type: 'nope', extra: 1 },
    paths: ['project_id', 'event_type', 'extra'],
  },
  {
    route: 'POST /pipelines/run (Idempotency-Key)',
    role: 'operator',
    method: 'POST',
    path: '/pipelines/run',
    body: { project_id: 'ml-service-123', event_type: 'manual' },
    headers: { 'idempotency-key': 'has spaces in it' },
    paths: ['header:Idempotency-Key'],
  },
  {
    route: 'POST /pipelines/run (trigger details)',
    role: 'operator',
    method: 'POST',
    path: '/pipelines/run',
    body: { project_id: 'ml-service-123', event_type: 'commit', trigger: { commit: 'not-a-sha', number: -3 }, parameters: [1] },
    paths: ['trigger.commit', 'trigger.number', 'parameters'],
  },
  {
    route: 'POST /runs/{runId}/checks/{checkId}/start',
    role: 'worker',
    method: 'POST',
    path: '/runs/prun-1/checks/unit_tests/start',
    body: { attempt: 0 },
    paths: ['attempt'],
  },
  {
    route: 'POST /runs/{runId}/checks/{checkId}/result',
    role: 'worker',
    method: 'POST',
    path: '/runs/prun-1/checks/unit_tests/result',
    body: { status: 'MAYBE', metrics: { coverage: 'high' }, evidence: ['md5:abc'], findings: [{ id: 'f1', severity: 'SEVERE' }] },
    paths: ['status', 'metrics', 'evidence', 'findings[0].severity'],
  },
  {
    route: 'POST /runs/{runId}/checks/{checkId}/result (check id)',
    role: 'worker',
    method: 'POST',
    path: '/runs/prun-1/checks/Unit%20Tests/result',
    body: { status: 'PASS' },
    paths: ['checkId'],
  },
  {
    route: 'POST /runs/{runId}/checks/{checkId}/result (ERROR without error)',
    role: 'worker',
    method: 'POST',
    path: '/runs/prun-1/checks/unit_tests/result',
    body: { status: 'ERROR' },
    paths: ['error'],
  },
  {
    route: 'POST /runs/{runId}/approvals',
    role: 'approver',
    method: 'POST',
    path: '/runs/prun-1/approvals',
    body: { role: 'Approver!!' },
    paths: ['role'],
  },
  {
    route: 'POST /runs/{runId}/veto',
    role: 'approver',
    method: 'POST',
    path: '/runs/prun-1/veto',
    body: { role: 'approver' },
    paths: ['reason'],
  },
  {
    route: 'POST /runs/{runId}/waivers',
    role: 'approver',
    method: 'POST',
    path: '/runs/prun-1/waivers',
    body: { waiver_id: '', role: 'approver', target: { check: 'sast', finding: 'x' }, justification: 'short', expires_at: 'tomorrow' },
    paths: ['waiver_id', 'justification', 'expires_at'],
  },
  {
    route: 'POST /runs/{runId}/waivers (target)',
    role: 'approver',
    method: 'POST',
    path: '/runs/prun-1/waivers',
    body: {
      waiver_id: 'w1',
      role: 'approver',
      target: { check: 'sast', finding: 'x' },
      justification: 'a false positive of the scanner',
      expires_at: '2099-01-01T00:00:00.000Z',
    },
    paths: ['target'],
  },
  {
    route: 'POST /runs/{runId}/waivers/{waiverId}/revoke',
    role: 'approver',
    method: 'POST',
    path: '/runs/prun-1/waivers/w1/revoke',
    body: {},
    paths: ['reason'],
  },
  { route: 'GET /runs/{runId}', role: 'approver', method: 'GET', path: '/runs/bad%20id', paths: ['runId'] },
  {
    route: 'PUT /evidence/{sha256}',
    role: 'worker',
    method: 'PUT',
    path: '/evidence/NOTHEX',
    body: new Uint8Array([1, 2, 3]),
    paths: ['sha256'],
  },
  {
    route: 'PUT /evidence/{sha256} (media type)',
    role: 'worker',
    method: 'PUT',
    path: `/evidence/${sha256Hex(new Uint8Array([1, 2, 3]))}`,
    body: new Uint8Array([1, 2, 3]),
    headers: { 'x-evidence-media-type': 'not a media type' },
    paths: ['header:X-Evidence-Media-Type'],
  },
  { route: 'GET /evidence/{sha256}', role: 'approver', method: 'GET', path: '/evidence/xyz', paths: ['sha256'] },
  {
    route: 'GET /models/{name}/approval',
    role: 'worker',
    method: 'GET',
    path: '/models/fraud/approval?digest=x&stage=Prod',
    paths: ['digest', 'stage'],
  },
  {
    route: 'GET /models/{name}/approval (name)',
    role: 'worker',
    method: 'GET',
    path: `/models/Model!/approval?digest=sha256:${'a'.repeat(64)}&stage=production`,
    paths: ['name'],
  },
  {
    route: 'POST /models/{name}/versions',
    role: 'operator',
    method: 'POST',
    path: '/models/fraud/versions',
    body: { version: '', digest: 'x' },
    paths: ['version', 'digest'],
  },
  {
    route: 'POST /batches/{jobId}/manifests',
    role: 'worker',
    method: 'POST',
    path: '/batches/job-1/manifests',
    body: { partition: 'dt=2026-11-23', run_id: 'prun-1', stage: 'production', model: { name: 'fraud' }, rows_in: -1 },
    paths: ['model.digest', 'rows_in', 'rows_out', 'artifacts'],
  },
  {
    route: 'GET /ledger/checkpoints',
    role: 'operator',
    method: 'GET',
    path: '/ledger/checkpoints?limit=0&from_revision=-2',
    paths: ['limit', 'from_revision'],
  },
  {
    route: 'GET /ledger/proofs/inclusion',
    role: 'operator',
    method: 'GET',
    path: '/ledger/proofs/inclusion?leaf_index=-1&tree_size=0',
    paths: ['leaf_index', 'tree_size'],
  },
  {
    route: 'GET /ledger/proofs/consistency',
    role: 'operator',
    method: 'GET',
    path: '/ledger/proofs/consistency?from=abc',
    paths: ['from'],
  },
];

describe('REST edge: bad input on every route', () => {
  const ctx = useLedgerFixture();
  describe('400 INVALID_INPUT with field messages, nothing appended', () => {
    let app: TestApp;
    const tokens = {} as Record<Role, string>;
    before(async () => {
      app = await startTestApp(ctx.db, ctx.fx);
      for (const role of ['operator', 'worker', 'approver'] as const) tokens[role] = await app.token(role);
    });
    after(async () => {
      await app.close();
    });

    for (const c of CASES) {
      it(c.route, async () => {
        const head = await ctx.fx.store.headPosition();
        const res = await http(app.url, c.method, c.path, tokens[c.role], c.body, c.headers ?? {});
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.equal(res.body.error.code, 'INVALID_INPUT');
        assert.match(res.body.error.message, /^invalid input: /);
        const fields = res.body.error.fields as { path: string; message: string }[];
        assert.ok(Array.isArray(fields) && fields.length > 0);
        for (const f of fields) assert.ok(typeof f.path === 'string' && typeof f.message === 'string' && f.message.length > 0);
        const paths = new Set(fields.map((f) => f.path));
        for (const p of c.paths) assert.ok(paths.has(p), `expected a message for ${p}, got ${JSON.stringify(fields)}`);
        assert.equal(await ctx.fx.store.headPosition(), head, 'nothing appended');
      });
    }

    it('covers every route the edge serves', () => {
      // FLOW_ROUTES is checked against the routes the app really serves by the role matrix test.
      const served = Object.keys(FLOW_ROUTES).map((r) => r.replace(/:(\w+)/g, '{$1}'));
      const tested = new Set(CASES.map((c) => c.route.replace(/ \(.*\)$/, '')));
      assert.deepEqual(
        served.filter((r) => !tested.has(r)),
        [],
      );
    });

    it('an evidence upload replayed with its Idempotency-Key answers the same and writes nothing', async () => {
      const bytes = new TextEncoder().encode('sast report: 0 findings');
      const digest = sha256Hex(bytes);
      const first = await http(app.url, 'PUT', `/evidence/${digest}`, tokens.worker, bytes, { 'idempotency-key': 'upload-1' });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.created, true);
      const head = await ctx.fx.store.headPosition();
      const again = await http(app.url, 'PUT', `/evidence/${digest}`, tokens.worker, bytes, { 'idempotency-key': 'upload-1' });
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, first.body);
      assert.equal(await ctx.fx.store.headPosition(), head);
    });
  });
});
