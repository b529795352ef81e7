import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { buildSchema, parse, validate } from 'graphql';
import { operationLimits } from '../../src/graphql/limits.js';
import { PROJECTIONS } from '../../src/projections/registry.js';
import { generateSchemaText, REGENERATE, SCHEMA_FILE, schemaText } from '../../src/graphql/schema-text.js';
import { counter, meta, useLedgerFixture } from '../support/ledger-fixture.js';
import { startTestApp, type TestApp } from '../auth/app-fixture.js';
import { appendSome, waitFor } from '../projections/support.js';
import { gql, wsClient } from './client.js';

const ROOT = new URL('../../../', import.meta.url).pathname;

interface Item {
  position: number;
  stream: string;
  kid: string;
  hash: string;
  signingKey: { kid: string; status: string } | null;
}

describe('GraphQL API', () => {
  let api!: TestApp;
  // Registered before the fixture's hooks: the app (and its projection runners) stops before the database goes.
  after(async () => {
    if (api) await api.close();
  });
  const ctx = useLedgerFixture();
  let auditor: string;
  let head: number;

  before(async () => {
    api = await startTestApp(ctx.db, ctx.fx);
    auditor = await api.token('auditor');
    await appendSome(ctx.fx, 30);
    await ctx.fx.keyRing.rotate(meta());
    await appendSome(ctx.fx, 10, 'b');
    head = await ctx.fx.store.headPosition();
    await waitFor(async () => {
      const r = await gql(api.url, '{ projections { name position } }', {}, auditor);
      return (r.data?.['projections'] as Array<{ position: number }> | undefined)?.every((p) => p.position === head) ?? false;
    }, 'projections to catch up');
  });

  it('serves the committed schema (regenerate with npm run graphql:schema)', async () => {
    const committed = await readFile(`${ROOT}${SCHEMA_FILE}`, 'utf8');
    const served = schemaText(api.app.get(GraphQLSchemaHost).schema);
    assert.ok(served === committed, `${SCHEMA_FILE} differs from the schema the service serves: run ${REGENERATE} and commit it`);
    assert.ok((await generateSchemaText()) === committed, `${SCHEMA_FILE} is stale: run ${REGENERATE} and commit it`);
  });

  it('pages through the whole audit trail with cursors, each event exactly once', async () => {
    const q = `query($after: String) { auditTrail(first: 7, after: $after) {
      items { position stream kid hash signingKey { kid status } } pageInfo { endCursor hasNextPage } } }`;
    const seen: Item[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const r = await gql(api.url, q, { after }, auditor);
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      const t = r.data!['auditTrail'] as { items: Item[]; pageInfo: { endCursor: string; hasNextPage: boolean } };
      seen.push(...t.items);
      after = t.pageInfo.endCursor;
      if (!t.pageInfo.hasNextPage) break;
    }
    assert.deepEqual(
      seen.map((i) => i.position),
      Array.from({ length: head }, (_, i) => i),
    );
    const log = await ctx.fx.store.readAll();
    for (const i of seen) {
      assert.equal(i.hash, (JSON.parse(log[i.position]!.data) as { hash: string }).hash);
      assert.equal(i.signingKey?.kid, i.kid);
    }
    assert.equal(new Set(seen.map((i) => i.kid)).size, 2, 'events signed by the genesis key and the rotated key');
  });

  it('filters by stream, category and time window', async () => {
    const q = `query($f: AuditTrailFilter) { auditTrail(first: 500, filter: $f) { items { position stream occurredAt } } }`;
    const items = async (f: object) =>
      (
        (await gql(api.url, q, { f }, auditor)).data!['auditTrail'] as {
          items: Array<{ stream: string; occurredAt: string; position: number }>;
        }
      ).items;
    const log = await ctx.fx.store.readAll();
    const byStream = await items({ stream: 'run-s2' });
    assert.deepEqual(
      byStream.map((i) => i.position),
      log.filter((e) => e.stream === 'run-s2').map((e) => e.position),
    );
    const byCategory = await items({ category: 'run' });
    assert.deepEqual(
      byCategory.map((i) => i.position),
      log.filter((e) => e.stream.startsWith('run-')).map((e) => e.position),
    );
    const all = await items({});
    const middle = all[Math.floor(all.length / 2)]!.occurredAt;
    const window = await items({ from: middle });
    assert.ok(window.length > 0 && window.every((i) => i.occurredAt >= middle));
    assert.equal((await items({ to: '2000-01-01T00:00:00.000Z' })).length, 0);
  });

  it('refuses bad arguments with one typed error and no data', async () => {
    const cases: Array<[string, string]> = [
      ['{ auditTrail(after: "nope") { items { position } } }', 'INVALID_CURSOR'],
      ['{ auditTrail(filter: { stream: "run-x", category: "run" }) { items { position } } }', 'INVALID_FILTER'],
      ['{ auditTrail(first: 501) { items { position } } }', 'INVALID_PAGE_SIZE'],
      ['{ auditTrail(filter: { from: "yesterday" }) { items { position } } }', 'INVALID_TIME'],
    ];
    for (const [q, code] of cases) {
      const r = await gql(api.url, q, {}, auditor);
      assert.equal(r.errors?.[0]?.extensions?.code, code, JSON.stringify(r.errors));
      assert.equal(r.data, null);
    }
  });

  it('loads signing keys in one batched query per request (DataLoader)', async () => {
    const pool = ctx.db.pool;
    const original = pool.query.bind(pool);
    let keyQueries = 0;
    (pool as { query: unknown }).query = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && /FROM ql_signing_key(s|_history) WHERE kid = ANY/.test(args[0])) keyQueries++;
      return (original as (...a: unknown[]) => unknown)(...args);
    };
    try {
      const r = await gql(api.url, '{ auditTrail(first: 40) { items { signingKey { kid history { type } } } } }', {}, auditor);
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      assert.equal((r.data!['auditTrail'] as { items: unknown[] }).items.length, 40);
    } finally {
      (pool as { query: unknown }).query = original;
    }
    assert.equal(keyQueries, 2, 'one query for the keys, one for their history');
  });

  it('lists signing keys with their history, and projections with their lag', async () => {
    const r = await gql(
      api.url,
      '{ signingKeys { kid status previousKid nextKid history { type actorId } } projections { name lag lagMs } }',
      {},
      auditor,
    );
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const keys = r.data!['signingKeys'] as Array<{
      kid: string;
      status: string;
      previousKid: string | null;
      nextKid: string | null;
      history: unknown[];
    }>;
    assert.deepEqual(
      keys.map((k) => k.status),
      ['retired', 'active'],
    );
    assert.equal(keys[0]!.nextKid, keys[1]!.kid);
    assert.equal(keys[1]!.previousKid, keys[0]!.kid);
    assert.deepEqual(
      keys.map((k) => k.history.length),
      [2, 1],
    );
    const projections = r.data!['projections'] as Array<{ name: string; lag: number }>;
    assert.deepEqual(projections.map((p) => p.name).sort(), PROJECTIONS.map((p) => p.name).sort());
    assert.ok(projections.every((p) => p.lag === 0));
  });

  it('exposes the lag as Prometheus metrics', async () => {
    const res = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${await api.token('operator')}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await res.text();
    assert.match(text, new RegExp(`^qledger_log_head_position ${await ctx.fx.store.headPosition()}$`, 'm'));
    assert.match(text, /^qledger_projection_lag_events\{projection="audit-trail"\} 0$/m);
    assert.match(text, /^qledger_projection_lag_seconds\{projection="signing-keys"\} 0$/m);
    assert.match(text, /^qledger_projection_leader\{projection="audit-trail"\} 1$/m);
  });

  it('refuses too deep or too costly operations before running them', async () => {
    const aliases = Array.from(
      { length: 12 },
      (_, i) => `a${i}: auditTrail(first: 500) { items { signingKey { history { type actorId } } } }`,
    ).join('\n');
    const r = await gql(api.url, `{ ${aliases} }`, {}, auditor);
    assert.equal(r.errors?.[0]?.extensions?.code, 'QUERY_TOO_COMPLEX', JSON.stringify(r.errors));
    const schema = buildSchema(await readFile(`${ROOT}${SCHEMA_FILE}`, 'utf8'));
    const deep = validate(schema, parse('{ auditTrail { items { signingKey { history { type } } } } }'), [operationLimits(3, 1e9)]);
    assert.equal(deep[0]?.extensions['code'], 'QUERY_TOO_DEEP');
    const ok = validate(schema, parse('{ auditTrail { items { signingKey { history { type } } } } }'), [operationLimits()]);
    assert.deepEqual(ok, []);
  });

  it('requires credentials on HTTP (401) and a role (FORBIDDEN_ROLE)', async () => {
    const none = await gql(api.url, '{ signingKeys { kid } }');
    assert.equal(none.status, 401);
    assert.equal(none.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    const worker = await gql(api.url, '{ signingKeys { kid } }', {}, await api.token('worker'));
    assert.equal(worker.status, 200, 'a GraphQL answer: the error is in the body');
    assert.equal(worker.errors?.[0]?.extensions?.code, 'FORBIDDEN_ROLE');
    const scoped = await gql(api.url, '{ auditTrail { items { position } } }', {}, await api.token('auditor', ['p1']));
    assert.equal(scoped.errors?.[0]?.extensions?.code, 'FORBIDDEN_PROJECT');
  });

  it('serves nothing without credentials: not introspection, not __typename, not the schema hints of a validation error', async () => {
    for (const query of ['{ __typename }', '{ __schema { types { name } } }', '{ signingKey }', '{ nosuchfield }']) {
      for (const token of [undefined, 'not-a-token']) {
        const r = await gql(api.url, query, {}, token);
        assert.equal(r.status, 401, `${query} with ${token ?? 'no token'}`);
        assert.equal(r.data ?? null, null, JSON.stringify(r));
        assert.equal(r.errors?.length, 1);
        assert.match(r.errors?.[0]?.extensions?.code ?? '', /^(UNAUTHENTICATED|INVALID_CREDENTIALS)$/);
        assert.doesNotMatch(JSON.stringify(r.errors), /signingKey|Did you mean|Query/);
      }
    }
    const ok = await gql(api.url, '{ __typename __schema { queryType { name } } }', {}, auditor);
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.data, { __typename: 'Query', __schema: { queryType: { name: 'Query' } } });
  });

  describe('ledgerEvents subscription over a real WebSocket', () => {
    const SUB = `subscription($from: Float, $f: LedgerEventFilter) { ledgerEvents(fromPosition: $from, filter: $f) { position stream type hash } }`;

    it('resumes after a disconnect from the last position: every event exactly once, in order', async () => {
      const received: number[] = [];
      // First connection: take 25 events, then drop the connection mid-stream.
      const first = wsClient(api.url, auditor);
      for await (const msg of first.iterate<{ ledgerEvents: { position: number } }>({ query: SUB, variables: { from: 0 } })) {
        assert.equal(msg.errors, undefined, JSON.stringify(msg.errors));
        received.push(msg.data!.ledgerEvents.position);
        if (received.length === 25) break;
      }
      await first.dispose();
      // More events while disconnected, and more while the second connection is live.
      await appendSome(ctx.fx, 12, 'c');
      const second = wsClient(api.url, auditor);
      const writer = (async () => {
        await new Promise((r) => setTimeout(r, 100));
        for (let i = 0; i < 5; i++) await ctx.fx.writer.execute('run-live', counter, { type: 'Increment', count: 1 }, meta());
      })();
      let target = Infinity;
      for await (const msg of second.iterate<{ ledgerEvents: { position: number } }>({
        query: SUB,
        variables: { from: received.at(-1)! + 1 },
      })) {
        received.push(msg.data!.ledgerEvents.position);
        if (target === Infinity && received.length >= head + 12) {
          await writer;
          target = (await ctx.fx.store.headPosition()) - 1;
        }
        if (msg.data!.ledgerEvents.position >= target) break;
      }
      await writer;
      await second.dispose();
      const end = await ctx.fx.store.headPosition();
      assert.deepEqual(
        received,
        Array.from({ length: end }, (_, i) => i),
      );
    });

    it('filters by category and type', async () => {
      const client = wsClient(api.url, auditor);
      const got: Array<{ stream: string; type: string }> = [];
      const expected = (await ctx.fx.store.readAll()).filter((e) => e.stream.startsWith('ledger-')).length;
      for await (const msg of client.iterate<{ ledgerEvents: { stream: string; type: string } }>({
        query: SUB,
        variables: { from: 0, f: { category: 'ledger', types: ['SigningKeyGenesis', 'SigningKeyRotated'] } },
      })) {
        got.push(msg.data!.ledgerEvents);
        if (got.length === expected) break;
      }
      await client.dispose();
      assert.deepEqual(
        got.map((g) => g.type),
        ['SigningKeyGenesis', 'SigningKeyRotated'],
      );
    });

    it('closes a connection without valid credentials (4403) and refuses a role without access', async () => {
      let code = 0;
      const anonymous = wsClient(api.url, undefined, (c) => (code = c));
      await assert.rejects(async () => {
        for await (const _ of anonymous.iterate({ query: SUB, variables: { from: 0 } })) break;
      });
      assert.equal(code, 4403);
      await anonymous.dispose();

      const worker = wsClient(api.url, await api.token('worker'));
      const first = await worker.iterate({ query: SUB, variables: { from: 0 } }).next();
      assert.equal((first.value as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]?.extensions?.code, 'FORBIDDEN_ROLE');
      await worker.dispose();
    });
  });
});
