import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROLES, type Role } from '../../src/auth/principal.js';
import { startTestApp, type TestApp } from '../auth/app-fixture.js';
import { http } from '../e2e/support.js';
import { useLedgerFixture } from '../support/ledger-fixture.js';
import { FLOW_ROUTES } from './routes.js';

const SAMPLE: Record<string, string> = {
  runId: 'prun-0123456789abcdef0123',
  checkId: 'unit_tests',
  waiverId: 'w1',
  sha256: 'a'.repeat(64),
  name: 'fraud',
  jobId: 'job-1',
};

describe('flow REST routes: role matrix', () => {
  const ctx = useLedgerFixture();
  describe('anonymous 401, roles outside the route 403, the route’s roles get through the guard', () => {
    let api: TestApp;
    const tokens = new Map<Role, string>();
    before(async () => {
      api = await startTestApp(ctx.db, ctx.fx);
      for (const r of ROLES) tokens.set(r, await api.token(r));
    });
    after(async () => {
      await api.close();
    });

    for (const [route, roles] of Object.entries(FLOW_ROUTES)) {
      it(`${route}: ${roles.join(', ')}`, async () => {
        const [method, pattern] = route.split(' ') as [string, string];
        const path = pattern.replace(/:(\w+)/g, (_, k: string) => SAMPLE[k] ?? k);
        const head = await ctx.fx.store.headPosition();
        const body = method === 'PUT' ? new Uint8Array([1]) : method === 'POST' ? {} : undefined;
        const anonymous = await http(api.url, method, path, undefined, body);
        assert.equal(anonymous.status, 401);
        for (const role of ROLES) {
          const r = await http(api.url, method, path, tokens.get(role), body);
          if (roles.includes(role))
            assert.ok(r.status !== 401 && r.status !== 403, `${role} should pass the guard: ${r.status} ${JSON.stringify(r.body)}`);
          else {
            assert.equal(r.status, 403, `${role} should get 403`);
            assert.equal(r.body.error?.code, 'FORBIDDEN_ROLE');
          }
        }
        assert.equal(await ctx.fx.store.headPosition(), head, 'probes append nothing');
      });
    }

    it('a principal scoped to other projects gets 403 on a run of another project', async () => {
      const scoped = await api.token('operator', ['some-other-project']);
      const r = await http(api.url, 'POST', '/pipelines/run', scoped, { project_id: 'ml-service-123', event_type: 'manual' });
      assert.equal(r.status, 403);
      assert.equal(r.body.error.code, 'FORBIDDEN_PROJECT');
      const read = await http(api.url, 'GET', `/runs/${SAMPLE['runId']}`, await api.token('auditor', ['some-other-project']));
      assert.equal(read.status, 403);
      assert.equal(read.body.error.code, 'FORBIDDEN_PROJECT');
    });
  });
});
