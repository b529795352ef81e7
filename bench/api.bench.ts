// npm run bench:api — the auditor's read side through the real API, on the data of `qledger demo`
// scaled to ~100,000 lineage nodes, under 32 concurrent clients (closed loop), plus projection lag
// at 1,000 events/s (issue 4, item 4; decisions 0056-0058).
//
// 1. `qledger demo` writes a real workload; `qledger serve` (a child process, embedded PostgreSQL,
//    production defaults) projects it; the demo's read-model rows are then copied in SQL under new run
//    ids up to the target size (bench/api/scale.ts), and one copy is checked to read back through
//    GraphQL exactly like the demo run it copies.
// 2. Each round measures p50/p95 of POST /graphql with an auditor token from `qledger token`: run
//    detail (stages, checks with metrics, findings and evidence, decision, approvals, waivers),
//    lineage depth 5 of a model (both ways) and an audit-trail page of a run stream; next to the
//    ceilings measured in the same round (`{ __typename }` over HTTP, SELECT 1 over a pool of 32) and
//    the same reads as bare queries (labelled query-only). Figures are medians over BENCH_ROUNDS.
// 3. The service stops; the demo's run and decision streams are appended again through the ledger
//    writer at BENCH_LAG_RATE events/s while every projection runs (bench/api/lag.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import { openLedger } from '../src/ledger/open-ledger.js';
import { queryAuditTrail } from '../src/projections/audit-trail/audit-trail.queries.js';
import { approvalsOfRuns, decisionsByRun, waiversOfRuns } from '../src/projections/decisions/decisions.queries.js';
import { queryLineage } from '../src/projections/lineage/lineage.queries.js';
import { runDetail } from '../src/projections/runs/run-detail.queries.js';
import { checksOfRuns, runsById, stagesOfRuns } from '../src/projections/runs/runs.queries.js';
import { projectionLag } from './api/lag.js';
import { AUDIT_PAGE, closedLoop, graphqlClient, LINEAGE, median, RUN_DETAIL, type Figures } from './api/load.js';
import { cpuMeter, perRequest, type CpuSample } from './api/cpu.js';
import { scaleDemo } from './api/scale.js';
import { cliEnv, qledger, serve } from './api/service.js';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const CLIENTS = env('BENCH_CLIENTS', 32);
const OPS = env('BENCH_OPS', 3000);
const ROUNDS = env('BENCH_ROUNDS', 3);
const DEMO_RUNS = env('BENCH_DEMO_RUNS', 20);
const RUNS = env('BENCH_RUNS', 42_000);
const DATASETS = env('BENCH_DATASETS', 2500);
const MODELS = env('BENCH_MODELS', 1500);
const AUDIT_COPIES = env('BENCH_AUDIT_COPIES', 0);
const LAG_RATE = env('BENCH_LAG_RATE', 1000);
const LAG_SECONDS = env('BENCH_LAG_SECONDS', 20);
const LAG_LANES = env('BENCH_LAG_LANES', 32);
/** The runners' linger in ms (decision 0058); unset: the service's default. */
const LAG_LINGER = process.env['BENCH_LAG_LINGER'];
/** `api` or `lag`: run only that part (default: both). */
const ONLY = process.env['BENCH_ONLY'];
/** The service's PostgreSQL pool (QLEDGER_PG_POOL_SIZE); unset: the production default. */
const POOL = process.env['BENCH_POOL'];

const log = (l: string): void => void process.stderr.write(`${l}\n`);
const ms = (n: number): string => `${n.toFixed(2).padStart(7)} ms`;
const pick = <T>(xs: readonly T[], i: number): T => xs[(i * 7919) % xs.length] as T;
const cpuText = (c: CpuSample): string =>
  `CPU/request: service ${c.service.toFixed(2)} + PostgreSQL ${c.postgres.toFixed(2)} + clients ${c.client.toFixed(2)} = ${(c.service + c.postgres + c.client).toFixed(2)} ms`;

const dir = mkdtempSync(join(tmpdir(), 'qledger-bench-api-'));
const cli = cliEnv(dir, POOL ? { QLEDGER_PG_POOL_SIZE: POOL } : {});
let t = Date.now();
log(
  `machine: ${cpus().length} cores, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
await qledger(['demo', '--runs', String(DEMO_RUNS)], cli);
log(`qledger demo --runs ${DEMO_RUNS}: ${Date.now() - t} ms`);
// This process owns the embedded PostgreSQL from here on; `qledger serve` attaches to it.
const ledger = await openLedger(loadConfig(cli), () => undefined);
const connectionString = (ledger.pool as unknown as { options: { connectionString: string } }).options.connectionString;
const pool = new pg.Pool({ connectionString, max: CLIENTS });
pool.on('error', () => undefined);
try {
  if (ONLY !== 'lag') await apiRounds();
  if (ONLY !== 'api') await lagRun();
} finally {
  await pool.end();
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
}

async function apiRounds(): Promise<void> {
  // BENCH_SERVE_NODE_ARGS: e.g. "--cpu-prof --cpu-prof-dir=DIR" to profile the service.
  const service = await serve(cli, log, (process.env['BENCH_SERVE_NODE_ARGS'] ?? '').split(' ').filter(Boolean));
  const auditor = (await qledger(['token', '--role', 'auditor'], cli)).trim();
  const { gql, close } = graphqlClient(service.url, auditor, CLIENTS);
  try {
    const head = await ledger.store.headPosition();
    for (const until = Date.now() + 120_000; ; await new Promise((r) => setTimeout(r, 100))) {
      const { projections } = (await gql('{ projections { name position } }')) as { projections: Array<{ position: number }> };
      if (projections.every((p) => p.position >= head)) break;
      if (Date.now() > until) throw new Error('the service did not project the demo within 2 minutes');
    }
    t = Date.now();
    const s = await scaleDemo(pool, { runs: RUNS, datasets: DATASETS, models: MODELS, auditCopies: AUDIT_COPIES });
    log(
      `scaled in ${Date.now() - t} ms: ${s.runs} runs (${s.checks} checks), ${s.lineageNodes} lineage nodes, ${s.lineageEdges} edges, ` +
        `${s.auditRows} audit rows (${s.auditCopies} copies of the demo's events)`,
    );
    // A synthesized run reads back through GraphQL exactly like the projected demo run it copies.
    const original = await gql(RUN_DETAIL, { id: s.sample.original });
    const copy = await gql(RUN_DETAIL, { id: s.sample.copy });
    if (JSON.stringify(copy).split(s.sample.copy).join(s.sample.original) !== JSON.stringify(original))
      throw new Error(`the synthesized run ${s.sample.copy} does not read back like ${s.sample.original}: fix bench/api/scale.ts`);
    log(`read-back check: run ${s.sample.copy} reads back through GraphQL exactly like the projected ${s.sample.original}`);

    const scenarios: Array<[string, (i: number) => Promise<unknown>]> = [
      ['ceiling: SELECT 1 (pool of 32)', () => pool.query('SELECT 1')],
      ['ceiling: { __typename } over HTTP', () => gql('{ __typename }')],
      ['query-only: run detail, 1 statement', (i) => runDetail(pool, pick(s.runIds, i))],
      [
        'query-only: run detail, 6 batched queries',
        async (i) => {
          const id = [pick(s.runIds, i)];
          await runsById(pool, id);
          await Promise.all([
            stagesOfRuns(pool, id),
            checksOfRuns(pool, id),
            decisionsByRun(pool, id),
            approvalsOfRuns(pool, id),
            waiversOfRuns(pool, id),
          ]);
        },
      ],
      [
        'query-only: lineage depth 5',
        (i) => queryLineage(pool, { node: pick(s.models, i), direction: 'BOTH', depth: 5, projects: null, maxNodes: 5000 }),
      ],
      ['query-only: audit page (stream, 50)', (i) => queryAuditTrail(pool, { stream: pick(s.streams, i), first: 50 })],
      ['API: run detail', (i) => gql(RUN_DETAIL, { id: pick(s.runIds, i) })],
      ['API: lineage depth 5', (i) => gql(LINEAGE, { node: pick(s.models, i) })],
      ['API: audit page (stream, 50)', (i) => gql(AUDIT_PAGE, { stream: pick(s.streams, i) })],
    ];
    const results = new Map<string, Figures[]>();
    const cpuResults = new Map<string, CpuSample[]>();
    const meter = cpuMeter(service.pid, join(dir, 'pg'));
    const cores = availableParallelism();
    for (let round = 1; round <= ROUNDS; round++) {
      log(`round ${round}/${ROUNDS} (${CLIENTS} clients, ${OPS} requests each, load ${loadavg()[0]!.toFixed(2)})`);
      for (const [name, op] of scenarios) {
        const warmup = Math.min(OPS, 300);
        const before = meter?.();
        const f = await closedLoop(op, CLIENTS, OPS, warmup);
        const cpu = before && meter ? perRequest(before, meter(), OPS + warmup) : undefined;
        results.set(name, [...(results.get(name) ?? []), f]);
        if (cpu) cpuResults.set(name, [...(cpuResults.get(name) ?? []), cpu]);
        log(
          `  ${name.padEnd(42)} p50 ${ms(f.p50)}  p95 ${ms(f.p95)}  p99 ${ms(f.p99)}  ${Math.round(f.rate)}/s${cpu ? `  ${cpuText(cpu)}` : ''}`,
        );
      }
    }
    const m = (name: string, k: keyof Figures): number => median(results.get(name)!.map((f) => f[k]));
    log(`\nmedians over ${ROUNDS} rounds (${CLIENTS} concurrent clients, closed loop; service pool ${POOL ?? 'default'}):`);
    const sql1 = m('ceiling: SELECT 1 (pool of 32)', 'p95');
    const http1 = m('ceiling: { __typename } over HTTP', 'p95');
    for (const [name] of scenarios) {
      const ceiling = name.startsWith('API') ? http1 : sql1;
      const ratio = name.startsWith('ceiling') ? '' : `  p95 = ${(m(name, 'p95') / ceiling).toFixed(1)} x its ceiling`;
      log(`  ${name.padEnd(42)} p50 ${ms(m(name, 'p50'))}  p95 ${ms(m(name, 'p95'))}  ${Math.round(m(name, 'rate'))}/s${ratio}`);
    }
    const target = (what: string, name: string, limit: number): void => {
      const p95 = m(name, 'p95');
      log(
        `target ${what} p95 <= ${limit} ms: ${p95.toFixed(1)} ms, ${p95 <= limit ? 'met' : `NOT met (by ${(p95 - limit).toFixed(1)} ms)`}`,
      );
    };
    if (cpuResults.size > 0) {
      log(
        `\nCPU per request, medians over ${ROUNDS} rounds, and the latency floor it sets for ${CLIENTS} closed-loop clients on ${cores} cores`,
      );
      log(`(the median cannot be below ${CLIENTS} x total / cores, whatever the code path; measured from /proc):`);
      for (const [name] of scenarios) {
        const xs = cpuResults.get(name);
        if (!xs) continue;
        const c: CpuSample = {
          service: median(xs.map((x) => x.service)),
          postgres: median(xs.map((x) => x.postgres)),
          client: median(xs.map((x) => x.client)),
        };
        const total = c.service + c.postgres + c.client;
        log(`  ${name.padEnd(42)} ${cpuText(c)}  floor p50 ${ms((CLIENTS * total) / cores)}`);
      }
    }
    target('run detail', 'API: run detail', 20);
    target('lineage depth 5', 'API: lineage depth 5', 50);
  } finally {
    close();
    await service.stop();
  }
}

async function lagRun(): Promise<void> {
  log(`\nprojection lag: ${LAG_RATE} events/s for ${LAG_SECONDS} s through the ledger writer, every projection running`);
  const lag = await projectionLag(ledger, {
    rate: LAG_RATE,
    seconds: LAG_SECONDS,
    lanes: LAG_LANES,
    pollMs: 5,
    connectionString,
    ...(LAG_LINGER ? { lingerMs: Number(LAG_LINGER) } : {}),
    log: (l) => log(`  ${l}`),
  });
  log(`  appended ${lag.events} events at ${Math.round(lag.appendRate)} events/s (target ${LAG_RATE})`);
  log(`  lag (slowest read model): p50 ${ms(lag.p50)}  p95 ${ms(lag.p95)}  p99 ${ms(lag.p99)}  max ${ms(lag.max)}`);
  log(
    `  p99 per read model: ${Object.entries(lag.perProjection)
      .map(([n, v]) => `${n} ${v.toFixed(0)}`)
      .join(', ')} ms`,
  );
  log(
    `  CPU per event (first append until every read model applied the last): bench process (writer + runners) ` +
      `${(lag.cpuPerEvent.bench * 1000).toFixed(0)} us, PostgreSQL ${(lag.cpuPerEvent.postgres * 1000).toFixed(0)} us; load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  log(`  metric qledger_projection_lag_seconds, largest sampled: ${(lag.metricMaxMs / 1000).toFixed(3)} s`);
  log(`target projection lag p99 <= 250 ms: ${lag.p99.toFixed(1)} ms, ${lag.p99 <= 250 ? 'met' : 'NOT met'}`);
}
