import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from 'graphql-ws';
import type { EventEnvelope } from 'ledger-verify';
import type { ProjectionService } from '../../src/projections/projection-service.js';
import { PROJECTIONS } from '../../src/projections/tokens.js';
import { startTestApp, type TestApp } from '../auth/app-fixture.js';
import { waitFor } from '../projections/support.js';
import { decide, driveRun, writeScenario, type Scenario } from '../projections/read-models/scenario.js';
import { useLedgerFixture } from '../support/ledger-fixture.js';
import { gql, wsClient } from './client.js';

interface RunMsg {
  position: number;
  eventType: string;
  runId: string;
  projectId: string;
  stageId: string | null;
  checkId: string | null;
  run: { id: string; status: string; stages: Array<{ id: string; status: string }>; checks: Array<{ id: string; status: string }> };
}
interface DecisionMsg {
  position: number;
  eventType: string;
  runId: string;
  decision: { status: string; verdict: string | null; approvals: Array<{ actorId: string }> };
}

const RUN_SUB = `subscription($from: Float, $f: RunUpdateFilter) { runUpdates(fromPosition: $from, filter: $f) {
  position eventType runId projectId stageId checkId run { id status stages { id status } checks { id status } } } }`;
const DECISION_SUB = `subscription($from: Float, $f: DecisionUpdateFilter) { decisionUpdates(fromPosition: $from, filter: $f) {
  position eventType runId decision { status verdict approvals { actorId } } } }`;

/** Takes messages of one subscription until `stop` says so (or the stream ends). */
async function take<T>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  field: string,
  stop: (got: T[]) => boolean,
): Promise<T[]> {
  const got: T[] = [];
  for await (const msg of client.iterate<Record<string, T>>({ query, variables })) {
    assert.equal(msg.errors, undefined, JSON.stringify(msg.errors));
    got.push(msg.data![field]!);
    if (stop(got)) break;
  }
  return got;
}

describe('runUpdates and decisionUpdates subscriptions over a real WebSocket', () => {
  let api!: TestApp;
  // Registered before the fixture's hooks: the app (and its projection runners) stops before the database goes.
  after(async () => {
    if (api) await api.close();
  });
  const ctx = useLedgerFixture();
  let auditor: string;
  let scenario: Scenario;

  /** Positions of the events of this category's streams (of one project when given), from the log itself. */
  async function positionsOf(category: 'run' | 'decision', project?: string, fromPosition = 0): Promise<number[]> {
    const all = await ctx.fx.store.readAll({ fromPosition });
    const projectOf = new Map<string, string>();
    const out: number[] = [];
    for (const e of all) {
      if (!e.stream.startsWith(`${category}-`)) continue;
      const data = (JSON.parse(e.data) as EventEnvelope).data as { projectId?: string };
      if (data.projectId && !projectOf.has(e.stream)) projectOf.set(e.stream, data.projectId);
      if (project === undefined || projectOf.get(e.stream) === project) out.push(e.position);
    }
    return out;
  }

  async function caughtUp(): Promise<void> {
    const head = await ctx.fx.store.headPosition();
    await waitFor(async () => {
      const r = await gql(api.url, '{ projections { position } }', {}, auditor);
      return (r.data?.['projections'] as Array<{ position: number }> | undefined)?.every((p) => p.position === head) ?? false;
    }, 'projections to catch up');
  }

  const run = (runId: string, projectId = scenario.projectId) =>
    driveRun(ctx.fx, {
      runId,
      projectId,
      plan: scenario.plan,
      trigger: { kind: 'manual', reason: runId },
      inputs: { datasets: [], models: [], parameters: {} },
    });

  before(async () => {
    api = await startTestApp(ctx.db, ctx.fx);
    auditor = await api.token('auditor');
    scenario = await writeScenario(ctx.fx, 'a');
    // A run of another project, then one more of p-a: the other project's events sit between p-a's.
    await run('b-1', 'p-b');
    await run('a-after');
    await caughtUp();
  });

  it('follows a run through its pipeline: every event of the run once, in order, each with a view at least that new', async () => {
    const from = await ctx.fx.store.headPosition();
    const client = wsClient(api.url, auditor);
    const writer = (async () => {
      await new Promise((r) => setTimeout(r, 50));
      await run('live-1');
    })();
    const got = await take<RunMsg>(client, RUN_SUB, { from, f: { runId: 'live-1' } }, 'runUpdates', (g) =>
      g.some((m) => m.eventType === 'RunAwaitingDecision'),
    );
    await writer;
    await client.dispose();
    const stream = await ctx.fx.store.readStream('run-live-1');
    assert.deepEqual(
      got.map((m) => [m.position, m.eventType]),
      stream.map((e) => [e.position, e.type]),
    );
    assert.ok(got.every((m) => m.runId === 'live-1' && m.run.id === 'live-1' && m.projectId === scenario.projectId));
    for (const m of got) {
      // The view was read after the runs read model applied this event: never older than it.
      if (m.eventType === 'StageStarted') assert.notEqual(m.run.stages.find((s) => s.id === m.stageId)?.status, 'PENDING');
      if (m.eventType === 'CheckResultRecorded') assert.equal(m.run.checks.find((c) => c.id === m.checkId)?.status, 'PASS');
      if (m.eventType === 'RunQueued') assert.notEqual(m.run.status, 'REQUESTED');
    }
    assert.equal(got.at(-1)!.run.status, 'AWAITING_DECISION');
  });

  it('resumes after a disconnect from the last position: every update of the project exactly once, in order', async () => {
    const received: number[] = [];
    const first = wsClient(api.url, auditor);
    const firstPart = await take<RunMsg>(
      first,
      RUN_SUB,
      { from: 0, f: { projectId: scenario.projectId } },
      'runUpdates',
      (g) => g.length === 15,
    );
    await first.dispose();
    received.push(...firstPart.map((m) => m.position));
    // One run while disconnected, another while the second connection is live.
    await run('live-2');
    const writer = (async () => {
      await new Promise((r) => setTimeout(r, 100));
      await run('live-3');
    })();
    const second = wsClient(api.url, auditor);
    const rest = await take<RunMsg>(
      second,
      RUN_SUB,
      { from: received.at(-1)! + 1, f: { projectId: scenario.projectId } },
      'runUpdates',
      (g) => g.some((m) => m.runId === 'live-3' && m.eventType === 'RunAwaitingDecision'),
    );
    await writer;
    await second.dispose();
    received.push(...rest.map((m) => m.position));
    assert.ok(rest.every((m) => m.projectId === scenario.projectId));
    assert.deepEqual(received, await positionsOf('run', scenario.projectId));
  });

  it("never sends another project's runs, and refuses a project outside the token's scope", async () => {
    const scoped = await api.token('auditor', [scenario.projectId]);
    const expected = await positionsOf('run', scenario.projectId);
    const client = wsClient(api.url, scoped);
    // No filter: the scope alone keeps p-b's run (written between p-a's events) out.
    const got = await take<RunMsg>(client, RUN_SUB, { from: 0 }, 'runUpdates', (g) => g.length === expected.length);
    assert.deepEqual(
      got.map((m) => m.position),
      expected,
    );
    const refused = await client.iterate({ query: RUN_SUB, variables: { from: 0, f: { projectId: 'p-b' } } }).next();
    assert.equal(
      (refused.value as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]?.extensions?.code,
      'FORBIDDEN_PROJECT',
    );
    await client.dispose();

    const onlyB = wsClient(api.url, await api.token('auditor', ['p-b']));
    const b = await positionsOf('run', 'p-b');
    const gotB = await take<RunMsg>(onlyB, RUN_SUB, { from: 0 }, 'runUpdates', (g) => g.length === b.length);
    await onlyB.dispose();
    assert.deepEqual(
      gotB.map((m) => [m.position, m.runId]),
      b.map((p) => [p, 'b-1']),
    );
  });

  it('waits for the runs read model: nothing goes out while it lags, then every update with a view that new', async () => {
    const projections = api.app.get<ProjectionService>(PROJECTIONS);
    const runner = projections.runner('runs');
    await runner.stop();
    try {
      const from = await ctx.fx.store.headPosition();
      await run('lagging');
      const client = wsClient(api.url, auditor);
      const iter = client.iterate<{ runUpdates: RunMsg }>({ query: RUN_SUB, variables: { from, f: { runId: 'lagging' } } });
      const first = iter.next();
      const early = await Promise.race([first.then(() => 'message'), new Promise((r) => setTimeout(() => r('nothing yet'), 500))]);
      assert.equal(early, 'nothing yet', 'no message while the runs read model has not applied the event');
      runner.start();
      const got: RunMsg[] = [(await first).value!.data!.runUpdates];
      while (got.length < (await ctx.fx.store.readStream('run-lagging')).length) got.push((await iter.next()).value!.data!.runUpdates);
      await iter.return?.();
      await client.dispose();
      const stream = await ctx.fx.store.readStream('run-lagging');
      assert.deepEqual(
        got.map((m) => m.position),
        stream.map((e) => e.position),
      );
      // Without the wait, the first messages would have found no run at all (or a stale one).
      assert.ok(got.every((m) => m.run.id === 'lagging'));
      for (const m of got.filter((x) => x.eventType === 'CheckResultRecorded')) {
        assert.equal(m.run.checks.find((c) => c.id === m.checkId)?.status, 'PASS');
      }
    } finally {
      runner.start();
    }
  });

  it('sends decision updates with their verdict and approvals, once each, resumable', async () => {
    await decide(ctx.fx, { runId: 'live-1', plan: scenario.plan, approvals: 2 });
    const expected = await positionsOf('decision', scenario.projectId);
    const first = wsClient(api.url, auditor);
    const part = await take<DecisionMsg>(
      first,
      DECISION_SUB,
      { from: 0, f: { projectId: scenario.projectId } },
      'decisionUpdates',
      (g) => g.length === 4,
    );
    await first.dispose();
    const second = wsClient(api.url, auditor);
    const rest = await take<DecisionMsg>(
      second,
      DECISION_SUB,
      { from: part.at(-1)!.position + 1, f: { projectId: scenario.projectId } },
      'decisionUpdates',
      (g) => g.length === expected.length - part.length,
    );
    await second.dispose();
    const all = [...part, ...rest];
    assert.deepEqual(
      all.map((m) => m.position),
      expected,
    );
    const live = all.filter((m) => m.runId === 'live-1');
    assert.deepEqual(
      live.map((m) => m.eventType),
      (await ctx.fx.store.readStream('decision-live-1')).map((e) => e.type),
    );
    const byType = (t: string) => live.filter((m) => m.eventType === t);
    assert.equal(byType('PolicyEvaluated')[0]!.decision.verdict, 'NEEDS_APPROVAL');
    // Each approval message shows at least that approval.
    const approvals = byType('ApprovalGranted');
    assert.equal(approvals.length, 2);
    assert.ok(approvals[0]!.decision.approvals.some((a) => a.actorId === 'usr:rm-1'));
    assert.equal(approvals[1]!.decision.approvals.length, 2);
  });

  it('ledgerEvents filters by project (and type and stream): a project-scoped token may follow its own project', async () => {
    const SUB = `subscription($from: Float, $f: LedgerEventFilter) { ledgerEvents(fromPosition: $from, filter: $f) { position stream type } }`;
    const all = await ctx.fx.store.readAll();
    const ofA = all.filter(
      (e) =>
        e.stream === `project-${scenario.projectId}` ||
        e.stream === 'mkey-a-k1' ||
        (/^(run|decision)-/.test(e.stream) && !e.stream.endsWith('b-1')),
    );
    const client = wsClient(api.url, await api.token('auditor', [scenario.projectId]));
    type Ev = { position: number; stream: string; type: string };
    const got = await take<Ev>(
      client,
      SUB,
      { from: 0, f: { projectId: scenario.projectId } },
      'ledgerEvents',
      (g) => g.length === ofA.length,
    );
    assert.deepEqual(
      got.map((e) => e.position),
      ofA.map((e) => e.position),
    );
    // All three filters together.
    const checks = all.filter((e) => e.stream === 'run-a-after' && e.type === 'CheckResultRecorded');
    const combined = await take<Ev>(
      client,
      SUB,
      { from: 0, f: { projectId: scenario.projectId, stream: 'run-a-after', types: ['CheckResultRecorded'] } },
      'ledgerEvents',
      (g) => g.length === checks.length,
    );
    assert.deepEqual(
      combined.map((e) => e.position),
      checks.map((e) => e.position),
    );
    for (const f of [{ projectId: 'p-b' }, {}]) {
      const refused = await client.iterate({ query: SUB, variables: { from: 0, f } }).next();
      assert.equal(
        (refused.value as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]?.extensions?.code,
        'FORBIDDEN_PROJECT',
      );
    }
    await client.dispose();
    // A project's filter leaves out every other project's events, and what belongs to no project.
    const onlyB = wsClient(api.url, auditor);
    const b = all.filter((e) => e.stream === 'run-b-1');
    const gotB = await take<Ev>(onlyB, SUB, { from: 0, f: { projectId: 'p-b' } }, 'ledgerEvents', (g) => g.length === b.length);
    await onlyB.dispose();
    assert.deepEqual(
      gotB.map((e) => e.position),
      b.map((e) => e.position),
    );
  });

  it('refuses a role without access and a connection without credentials', async () => {
    const worker = wsClient(api.url, await api.token('worker'));
    for (const query of [RUN_SUB, DECISION_SUB]) {
      const first = await worker.iterate({ query, variables: { from: 0 } }).next();
      assert.equal((first.value as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]?.extensions?.code, 'FORBIDDEN_ROLE');
    }
    await worker.dispose();
    let code = 0;
    const anonymous = wsClient(api.url, undefined, (c) => (code = c));
    await assert.rejects(async () => {
      for await (const _ of anonymous.iterate({ query: RUN_SUB, variables: { from: 0 } })) break;
    });
    assert.equal(code, 4403);
    await anonymous.dispose();
  });
});
