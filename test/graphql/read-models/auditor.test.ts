import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../auth/app-fixture.js';
import { waitFor } from '../../projections/support.js';
import { driveRun, FAIRNESS_EVIDENCE, MODEL_DIGEST, writeScenario, type Scenario } from '../../projections/read-models/scenario.js';
import { meta, useLedgerFixture } from '../../support/ledger-fixture.js';
import { blueprintDecider } from '../../../src/domain/blueprint/blueprint.js';
import { managedKey } from '../../../src/domain/mkey/mkey.js';
import { gql } from '../client.js';
import { queryLineage } from '../../../src/projections/lineage/lineage.queries.js';

interface AuditedDecision {
  status: string;
  verdict: string;
  explanation: string;
  blueprintDigest: string;
  reasons: string[];
  approvals: Array<{ actorId: string; role: string }>;
  waivers: Array<{ targetRef: string; status: string }>;
}

const MODEL_NODE = `model:churn@${MODEL_DIGEST}`;
const DATASET_NODE = 'dataset:curated/tx_2025@2025-11-12';
const EXTRA_RUNS = 12;
const WELL_AFTER = '2100-01-01T00:00:00Z';

describe('auditor queries over the read models (GraphQL, real events)', () => {
  let api!: TestApp;
  // Registered before the fixture's hooks: the app (and its projection runners) stops before the database goes.
  after(async () => {
    if (api) await api.close();
  });
  const ctx = useLedgerFixture();
  let auditor: string;
  let scenario: Scenario;

  const ok = async (query: string, variables: Record<string, unknown> = {}, token = auditor): Promise<Record<string, unknown>> => {
    const r = await gql(api.url, query, variables, token);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return r.data!;
  };

  before(async () => {
    api = await startTestApp(ctx.db, ctx.fx);
    auditor = await api.token('auditor');
    scenario = await writeScenario(ctx.fx, 'a');
    for (let i = 0; i < EXTRA_RUNS; i++) {
      await driveRun(ctx.fx, {
        runId: `a-extra-${String(i).padStart(2, '0')}`,
        projectId: scenario.projectId,
        plan: scenario.plan,
        trigger: { kind: 'manual', reason: `load ${i}` },
        inputs: { datasets: [], models: [], parameters: {} },
      });
    }
    const head = await ctx.fx.store.headPosition();
    let last = '';
    await waitFor(
      async () => {
        const r = await gql(api.url, '{ projections { name position head leader lag } }', {}, auditor);
        last = JSON.stringify(r.data ?? r.errors);
        return (r.data?.['projections'] as Array<{ position: number }> | undefined)?.every((p) => p.position === head) ?? false;
      },
      'projections to catch up',
      60_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}: ${last}`);
    });
  });

  it('answers which blueprint version a run followed, which checks failed with which evidence, who approved and why', async () => {
    const data = await ok(
      `query($id: String!) { run(id: $id) {
         id status initiator triggerKind blueprint { id version digest }
         checks(status: "FAIL") { id required tool findings { id severity message } evidence { digest artifact { sha256 bytes mediaType } } }
         decision { status verdict explanation policyDigest blueprintDigest reasons
           approvals { kind actorId role comment } waivers { targetKind targetRef grantedBy justification status } } } }`,
      { id: scenario.evalRun },
    );
    const run = data['run'] as Record<string, unknown> & { decision: AuditedDecision };
    assert.deepEqual(run['blueprint'], scenario.plan.blueprint);
    assert.deepEqual([run['status'], run['initiator'], run['triggerKind']], ['SUCCEEDED', 'usr:dev-1', 'model_registered']);
    assert.deepEqual(run['checks'], [
      {
        id: 'fairness_check',
        required: false,
        tool: 'fairlearn@0.10',
        findings: [{ id: 'fair-1', severity: 'MEDIUM', message: 'disparity 0.14 > 0.10' }],
        evidence: FAIRNESS_EVIDENCE.map((h) => ({
          digest: `sha256:${h}`,
          artifact: { sha256: h, bytes: 2048, mediaType: 'application/json' },
        })),
      },
    ]);
    const d = run['decision'];
    assert.equal(d.status, 'APPROVED');
    assert.equal(d.verdict, 'NEEDS_APPROVAL');
    assert.equal(d.blueprintDigest, scenario.plan.blueprint.digest);
    assert.deepEqual((JSON.parse(d.explanation) as { summary: string[] }).summary, ['all required checks pass', 'coverage 0.91 >= 0.8']);
    assert.deepEqual(
      d.approvals.map((a) => [a.actorId, a.role]),
      [
        ['usr:rm-1', 'release-manager'],
        ['usr:rm-2', 'risk-officer'],
      ],
    );
    assert.deepEqual(
      d.waivers.map((w) => [w.targetRef, w.status]),
      [['fairness_check', 'ACTIVE']],
    );
    assert.match(d.reasons.join(' '), /approved by usr:rm-1 \(release-manager\), usr:rm-2 \(risk-officer\)/);
  });

  it('answers what a model was trained on and which decisions it affects', async () => {
    const up = (
      await ok(
        `{ lineage(node: "${MODEL_NODE}", direction: UPSTREAM, depth: 1) { root { kind } nodes { id depth } edges { kind upstream downstream } } }`,
      )
    )['lineage'] as {
      root: { kind: string };
      nodes: Array<{ id: string }>;
      edges: Array<{ kind: string; upstream: string; downstream: string }>;
    };
    assert.equal(up.root.kind, 'MODEL');
    assert.deepEqual(
      up.edges
        .filter((e) => e.downstream === MODEL_NODE)
        .map((e) => [e.kind, e.upstream])
        .sort(),
      [
        ['PRODUCED', 'run:a-train'],
        ['TRAINED_ON', DATASET_NODE],
      ],
    );
    const impact = (await ok(`{ impactAnalysis(node: "${MODEL_NODE}") { severity affectedRuns { id } affectedDecisions { id } } }`))[
      'impactAnalysis'
    ] as { severity: string; affectedRuns: Array<{ id: string }>; affectedDecisions: Array<{ id: string }> };
    assert.equal(impact.severity, 'HIGH');
    assert.deepEqual(
      impact.affectedDecisions.map((n) => n.id),
      ['decision:a-eval'],
    );
    assert.deepEqual(impact.affectedRuns.map((n) => n.id).sort(), ['run:a-batch', 'run:a-eval']);
    // From the dataset, five hops reach the model, the runs that used it and their decisions.
    const ds = (await ok(`{ lineage(node: "${DATASET_NODE}", direction: DOWNSTREAM, depth: 5) { nodes { id depth } truncated } }`))[
      'lineage'
    ] as {
      nodes: Array<{ id: string; depth: number }>;
      truncated: boolean;
    };
    const ids = ds.nodes.map((n) => n.id);
    for (const id of [MODEL_NODE, 'run:a-train', 'decision:a-train', 'decision:a-eval'])
      assert.ok(ids.includes(id), `${id} is downstream of the dataset`);
    assert.equal(ds.nodes.find((n) => n.id === MODEL_NODE)?.depth, 1);
    assert.equal(ds.truncated, false);

    // A page of the walk: the first nodes by (depth, id) and only the edges among them; a scope of
    // every known project reads a part of it; a scope of none hides runs and decisions.
    const walk = (maxNodes: number, projects: string[] | null = null) =>
      queryLineage(ctx.db.pool, { node: DATASET_NODE, direction: 'BOTH', depth: 5, projects, maxNodes });
    const full = await walk(5000);
    assert.equal(full.truncated, false);
    assert.ok(full.nodes.length >= 5, `${full.nodes.length} nodes`);
    for (const k of [1, 2, full.nodes.length - 1]) {
      const part = await walk(k);
      assert.equal(part.truncated, true, `limit ${k}`);
      assert.deepEqual(part.nodes, full.nodes.slice(0, k));
      const kept = new Set(part.nodes.map((n) => n.id));
      assert.deepEqual(
        part.edges,
        full.edges.filter((e) => kept.has(e.up) && kept.has(e.down)),
      );
    }
    assert.deepEqual(await walk(full.nodes.length), full);
    const projects = [...new Set(full.nodes.map((n) => n.projectId).filter((p): p is string => p !== null))];
    const scoped = await walk(5000, projects);
    const fullIds = new Set(full.nodes.map((n) => n.id));
    assert.ok(scoped.nodes.every((n) => fullIds.has(n.id)));
    // A run or decision of unknown project (a batch manifest's run) is hidden from every scoped principal.
    assert.ok(
      full.nodes.filter((n) => !scoped.nodes.some((m) => m.id === n.id)).some((n) => n.kind === 'RUN' && n.projectId === null),
      'the scoped walk hides what a scope cannot cover',
    );
    const none = await walk(5000, ['no-such-project']);
    assert.ok(none.nodes.every((n) => n.kind !== 'RUN' && n.kind !== 'DECISION'));
    assert.ok(none.nodes.length < full.nodes.length);

    const gate = (
      await ok(`{ isModelApproved(model: "churn", digest: "${MODEL_DIGEST}", stage: "production") { approved verdict runId } }`)
    )['isModelApproved'];
    assert.deepEqual(gate, { approved: true, verdict: 'APPROVED', runId: scenario.evalRun });
    const versions = (await ok('{ modelVersions(model: "churn") { digest runId trainedOn approvals { stage runId } } }'))['modelVersions'];
    assert.deepEqual(versions, [
      {
        digest: MODEL_DIGEST,
        runId: scenario.trainRun,
        trainedOn: ['curated/tx_2025@2025-11-12'],
        approvals: [{ stage: 'production', runId: scenario.evalRun }],
      },
    ]);
    const evidence = (await ok(`{ evidence(sha256: "${FAIRNESS_EVIDENCE[0]}") { bytes references { runId checkId attempt } } }`))[
      'evidence'
    ];
    assert.deepEqual(evidence, { bytes: 2048, references: [{ runId: scenario.evalRun, checkId: 'fairness_check', attempt: 1 }] });
  });

  it('pages runs with filters and cursors, each run exactly once', async () => {
    const q = `query($after: String, $f: RunFilter) { runs(first: 5, after: $after, filter: $f) { items { id } pageInfo { endCursor hasNextPage } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const r = (await ok(q, { after, f: { projectId: scenario.projectId } }))['runs'] as {
        items: Array<{ id: string }>;
        pageInfo: { endCursor: string; hasNextPage: boolean };
      };
      seen.push(...r.items.map((i) => i.id));
      after = r.pageInfo.endCursor;
      if (!r.pageInfo.hasNextPage) break;
    }
    assert.equal(seen.length, EXTRA_RUNS + 2);
    assert.equal(new Set(seen).size, seen.length);
    const waiting = (await ok('{ runs(first: 100, filter: { status: "AWAITING_DECISION" }) { items { id status } } }'))['runs'] as {
      items: Array<{ status: string }>;
    };
    assert.equal(waiting.items.length, EXTRA_RUNS);
    const none = (await ok('{ runs(first: 100, filter: { to: "2000-01-01T00:00:00Z" }) { items { id } } }'))['runs'] as {
      items: unknown[];
    };
    assert.equal(none.items.length, 0);
  });

  it('loads a page of runs with stages, checks and decisions in a fixed number of SQL queries', async () => {
    const pool = ctx.db.pool;
    const original = pool.query.bind(pool);
    let count = 0;
    // Only the read models' queries: the pool is shared with the store's reads of the projection runners.
    (pool as { query: unknown }).query = (...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? '');
      if (/\bFROM ql_(runs|run_|decision|evidence)/.test(text)) count++;
      return (original as (...a: unknown[]) => unknown)(...args);
    };
    // Both pages hold a run whose check cites evidence, so both resolve every kind of field.
    const q = (n: number, filter: string) =>
      `{ runs(first: ${n}, filter: ${filter}) { items { id stages { id status } checks { id status evidence { digest artifact { bytes } } } decision { status approvals { actorId } } } } }`;
    const measure = async (n: number, filter: string): Promise<number> => {
      count = 0;
      const data = await ok(q(n, filter));
      assert.equal((data['runs'] as { items: unknown[] }).items.length, n);
      return count;
    };
    try {
      const small = await measure(2, '{ status: "SUCCEEDED" }');
      const large = await measure(EXTRA_RUNS + 2, `{ to: "${WELL_AFTER}" }`);
      // runs, stages, checks, decisions, approvals, evidence artifacts: one query each (and none per row).
      assert.ok(large <= 6, `a page of ${EXTRA_RUNS + 2} runs took ${large} queries`);
      assert.equal(large, small, 'the number of queries does not grow with the page');
    } finally {
      (pool as { query: unknown }).query = original;
    }
  });

  it("keeps to the auditor's projects: other projects' runs, decisions and lineage nodes are not visible", async () => {
    const other = await api.token('auditor', ['p-other']);
    const runs = (await ok('{ runs(first: 50) { items { id } } }', {}, other))['runs'] as { items: unknown[] };
    assert.deepEqual(runs.items, []);
    assert.equal((await ok(`{ run(id: "${scenario.evalRun}") { id } }`, {}, other))['run'], null);
    assert.equal((await ok(`{ decision(runId: "${scenario.evalRun}") { runId } }`, {}, other))['decision'], null);
    const graph = (await ok(`{ lineage(node: "${MODEL_NODE}", depth: 3) { nodes { id kind } } }`, {}, other))['lineage'] as {
      nodes: Array<{ kind: string }>;
    };
    assert.ok(graph.nodes.length > 0);
    assert.ok(graph.nodes.every((n) => n.kind !== 'RUN' && n.kind !== 'DECISION'));
    const refused = await gql(api.url, `{ runs(first: 5, filter: { projectId: "${scenario.projectId}" }) { items { id } } }`, {}, other);
    assert.equal(refused.errors?.[0]?.extensions?.code, 'FORBIDDEN_PROJECT');
  });

  it('refuses bad arguments with a typed error', async () => {
    const cases: Array<[string, string]> = [
      [`{ lineage(node: "${MODEL_NODE}", depth: 11) { truncated } }`, 'INVALID_DEPTH'],
      ['{ lineage(node: "spaceship:1") { truncated } }', 'INVALID_NODE'],
      ['{ runs(first: 0) { items { id } } }', 'INVALID_PAGE_SIZE'],
      ['{ runs(after: "bm9wZQ") { items { id } } }', 'INVALID_CURSOR'],
      ['{ runs(filter: { from: "yesterday" }) { items { id } } }', 'INVALID_TIME'],
      ['{ evidence(sha256: "abc") { bytes } }', 'INVALID_DIGEST'],
    ];
    for (const [query, code] of cases) {
      const r = await gql(api.url, query, {}, auditor);
      assert.equal(r.errors?.[0]?.extensions?.code, code, query);
    }
  });

  it('answers which blueprint versions exist and which projects attach them, and the rotation history of managed keys', async () => {
    const bp = scenario.plan.blueprint;
    const rotatedAt = '2026-06-01T00:00:00.000Z';
    const actor = { id: 'usr:admin-1', kind: 'user' as const };
    await ctx.fx.writer.execute(
      'mkey-a-k1',
      managedKey,
      {
        type: 'RotateKey',
        at: rotatedAt,
        actor: actor.id,
        algorithm: 'AES-GCM',
        sizeBits: 256,
        kmsRef: 'vault://transit/keys/k1-v2',
        reason: 'scheduled',
      },
      meta({ actor, occurredAt: rotatedAt }),
    );
    await ctx.fx.writer.execute(
      `blueprint-${bp.id}`,
      blueprintDecider,
      {
        type: 'DeprecateBlueprintVersion',
        blueprintId: bp.id,
        version: bp.version,
        reason: 'superseded by the 2026 policy',
        replacedBy: null,
      },
      meta({ actor }),
    );
    const head = await ctx.fx.store.headPosition();
    await waitFor(async () => {
      const r = await gql(api.url, '{ projections { position } }', {}, auditor);
      return (r.data?.['projections'] as Array<{ position: number }> | undefined)?.every((p) => p.position === head) ?? false;
    }, 'projections to catch up');

    const versions = (
      await ok(`{ blueprints(id: "${bp.id}") { id version digest deprecated deprecationReason attachedTo { projectId environment } } }`)
    )['blueprints'];
    assert.deepEqual(versions, [
      {
        id: bp.id,
        version: bp.version,
        digest: bp.digest,
        deprecated: true,
        deprecationReason: 'superseded by the 2026 policy',
        attachedTo: [{ projectId: scenario.projectId, environment: 'production' }],
      },
    ]);
    const one = (await ok(`{ blueprint(id: "${bp.id}") { version definition } }`))['blueprint'] as { version: number; definition: string };
    assert.equal(one.version, bp.version, 'the latest version when none is named');
    assert.equal((JSON.parse(one.definition) as { id: string }).id, bp.id);
    assert.equal((await ok(`{ blueprint(id: "${bp.id}", version: 99) { version } }`))['blueprint'], null);
    assert.deepEqual((await ok(`{ blueprints(includeDeprecated: false) { id } }`))['blueprints'], []);

    const keys = (await ok(`{ managedKeys { id projectId status version kmsRef history { version kmsRef reason createdBy } } }`))[
      'managedKeys'
    ];
    assert.deepEqual(keys, [
      {
        id: 'a-k1',
        projectId: scenario.projectId,
        status: 'ACTIVE',
        version: 2,
        kmsRef: 'vault://transit/keys/k1-v2',
        history: [
          { version: 1, kmsRef: 'vault://transit/keys/k1-v1', reason: null, createdBy: 'usr:admin-1' },
          { version: 2, kmsRef: 'vault://transit/keys/k1-v2', reason: 'scheduled', createdBy: 'usr:admin-1' },
        ],
      },
    ]);
    assert.deepEqual((await ok('{ managedKey(id: "a-k1") { id version } }'))['managedKey'], { id: 'a-k1', version: 2 });

    // Another project's auditor sees the blueprint (blueprints belong to no project) but not where it is attached, nor the keys.
    const other = await api.token('auditor', ['p-other']);
    const seen = (await ok(`{ blueprints(id: "${bp.id}") { attachedTo { projectId } } }`, {}, other))['blueprints'];
    assert.deepEqual(seen, [{ attachedTo: [] }]);
    assert.deepEqual((await ok('{ managedKeys { id } }', {}, other))['managedKeys'], []);
    assert.equal((await ok('{ managedKey(id: "a-k1") { id } }', {}, other))['managedKey'], null);
    const refused = await gql(api.url, `{ managedKeys(projectId: "${scenario.projectId}") { id } }`, {}, other);
    assert.equal(refused.errors?.[0]?.extensions?.code, 'FORBIDDEN_PROJECT');
  });

  it('loads blueprint attachments and key histories in one query per kind, however many fields ask for them', async () => {
    const pool = ctx.db.pool;
    const original = pool.query.bind(pool);
    const texts: string[] = [];
    (pool as { query: unknown }).query = (...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? '');
      if (/\bFROM ql_(blueprint_versions|project_blueprints|managed_key)/.test(text)) texts.push(text);
      return (original as (...a: unknown[]) => unknown)(...args);
    };
    try {
      // Three aliases of the same list: the nested fields of all rows still cost one query per kind.
      await ok(
        `{ a: blueprints { attachedTo { projectId } } b: blueprints { attachedTo { projectId } } k: managedKeys { history { version } } l: managedKeys { history { version } } }`,
      );
      const kinds = texts.map((t) => /FROM (ql_\w+)/.exec(t)![1]).sort();
      assert.deepEqual(kinds, [
        'ql_blueprint_versions',
        'ql_blueprint_versions',
        'ql_managed_key_versions',
        'ql_managed_keys',
        'ql_managed_keys',
        'ql_project_blueprints',
      ]);
    } finally {
      (pool as { query: unknown }).query = original;
    }
  });
});
