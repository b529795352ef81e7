// npm run bench:api — the read side under 32 concurrent clients on the embedded PostgreSQL, with
// read models scaled to 100,000 lineage nodes: run detail (the queries the GraphQL run field and its
// batched stages/checks/decision/approvals issue), lineage to depth 5, and an audit-trail page, each as
// p50/p95 latency next to the raw ceiling measured in the same run (a trivial SELECT round trip).
// The rows are synthesized in SQL (generate_series), not written through the ledger: this measures the
// query side only; it does not measure HTTP/GraphQL overhead or projection lag.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/pg/embedded-postgres.js';
import { auditTrailProjection } from '../src/projections/audit-trail/audit-trail.projection.js';
import { queryAuditTrail } from '../src/projections/audit-trail/audit-trail.queries.js';
import { approvalsOfRuns, decisionsByRun } from '../src/projections/decisions/decisions.queries.js';
import { queryLineage } from '../src/projections/lineage/lineage.queries.js';
import { READ_MODEL_PROJECTIONS } from '../src/projections/rm-common/read-models.js';
import { migrateProjections } from '../src/projections/runner.js';
import { checksOfRuns, runsById, stagesOfRuns } from '../src/projections/runs/runs.queries.js';

const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 32);
const OPS = Number(process.env['BENCH_OPS'] ?? 3000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 25_000);
const DATASETS = Number(process.env['BENCH_DATASETS'] ?? 15_000);
const MODELS = Number(process.env['BENCH_MODELS'] ?? 10_000);
const COMMITS = Number(process.env['BENCH_COMMITS'] ?? 25_000);
const AUDIT_ROWS = Number(process.env['BENCH_AUDIT_ROWS'] ?? 200_000);

const log = (l: string): void => void process.stderr.write(`${l}\n`);
const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] as number;
const rnd = (n: number): number => Math.floor(Math.random() * n);

async function seed(pool: pg.Pool): Promise<void> {
  const t0 = Date.now();
  await pool.query(`
    INSERT INTO ql_runs (run_id, project_id, environment, status, blueprint_id, blueprint_version, blueprint_digest, trigger_kind, trigger,
      initiator, inputs, policies, requested_at, requested_position, updated_position)
    SELECT 'r' || i, 'p' || (i % 50), 'production', 'SUCCEEDED', 'bp', 1, 'sha256:' || repeat('b', 64), 'commit', '{}', 'usr:dev',
      '{}', '[]', timestamptz '2026-01-01' + i * interval '1 second', i, i FROM generate_series(1, ${RUNS}) i;
    INSERT INTO ql_run_stages (run_id, stage_id, ord, name, depends_on, status)
      SELECT 'r' || i, 's' || s, s, 'stage ' || s, '[]', 'PASSED' FROM generate_series(1, ${RUNS}) i, generate_series(1, 4) s;
    INSERT INTO ql_run_checks (run_id, check_id, stage_id, ord, check_type, required, thresholds, status, attempt, metrics, findings, evidence)
      SELECT 'r' || i, 'c' || s || '_' || c, 's' || s, s * 10 + c, 'UNIT_TESTS', true, '{}', 'PASS', 1, '{"coverage": 0.9}',
        '[]', jsonb_build_array('sha256:' || md5(i || '-' || s || '-' || c) || md5(c || '-' || s || '-' || i))
      FROM generate_series(1, ${RUNS}) i, generate_series(1, 4) s, generate_series(1, 3) c;
    INSERT INTO ql_decisions (run_id, project_id, environment, status, initiator, approval, quorum, blueprint_digest, verdict, explanation,
      opened_at, updated_position)
      SELECT 'r' || i, 'p' || (i % 50), 'production', 'APPROVED', 'usr:dev', '{"requiredRoles": ["release-manager"]}', 2, 'sha256:',
        'NEEDS_APPROVAL', '{"summary": ["ok"]}', timestamptz '2026-01-01', i FROM generate_series(1, ${RUNS}) i;
    INSERT INTO ql_decision_approvals (run_id, position, kind, actor_id, role, comment, at)
      SELECT 'r' || i, i * 10 + a, 'APPROVAL', 'usr:rm-' || a, 'release-manager', 'ok', timestamptz '2026-01-01'
      FROM generate_series(1, ${RUNS}) i, generate_series(1, 2) a;`);
  // Lineage: datasets, models, commits, runs, decisions = DATASETS + MODELS + COMMITS + 2 x RUNS nodes.
  await pool.query(`
    INSERT INTO ql_lineage_nodes (id, kind, label, project_id, attrs, first_position)
      SELECT 'dataset:d' || i || '@v1', 'DATASET', 'd' || i, NULL::text, '{}'::jsonb, i FROM generate_series(1, ${DATASETS}) i
      UNION ALL SELECT 'model:m' || i || '@sha256:' || i, 'MODEL', 'm' || i, NULL, '{}', i FROM generate_series(1, ${MODELS}) i
      UNION ALL SELECT 'commit:' || i, 'COMMIT', i::text, NULL, '{}', i FROM generate_series(1, ${COMMITS}) i
      UNION ALL SELECT 'run:r' || i, 'RUN', 'r' || i, 'p' || (i % 50), '{}', i FROM generate_series(1, ${RUNS}) i
      UNION ALL SELECT 'decision:r' || i, 'DECISION', 'r' || i, 'p' || (i % 50), '{"status": "APPROVED"}', i FROM generate_series(1, ${RUNS}) i;
    INSERT INTO ql_lineage_edges (up, down, kind, position)
      SELECT DISTINCT up, down, kind, 0 FROM (
        SELECT 'dataset:d' || (1 + (i * 7 + k) % ${DATASETS}) || '@v1' AS up, 'run:r' || i AS down, 'CONSUMED' AS kind
          FROM generate_series(1, ${RUNS}) i, generate_series(0, 1) k
        UNION ALL SELECT 'commit:' || i, 'run:r' || i, 'CONSUMED' FROM generate_series(1, ${RUNS}) i
        UNION ALL SELECT 'model:m' || (1 + i % ${MODELS}) || '@sha256:' || (1 + i % ${MODELS}), 'run:r' || i, 'CONSUMED' FROM generate_series(1, ${RUNS}) i
        UNION ALL SELECT 'run:r' || i, 'model:m' || (1 + (i + 1) % ${MODELS}) || '@sha256:' || (1 + (i + 1) % ${MODELS}), 'PRODUCED'
          FROM generate_series(1, ${RUNS}) i WHERE i % 3 = 0
        UNION ALL SELECT 'dataset:d' || (1 + (i * 13) % ${DATASETS}) || '@v1', 'model:m' || i || '@sha256:' || i, 'TRAINED_ON'
          FROM generate_series(1, ${MODELS}) i
        UNION ALL SELECT 'run:r' || i, 'decision:r' || i, 'EVALUATED_BY' FROM generate_series(1, ${RUNS}) i
      ) e;
    INSERT INTO ql_audit_trail (position, stream, category, revision, event_id, type, occurred_at, recorded_at, actor_id, actor_kind,
      correlation_id, hash, prev, kid, sig)
      SELECT i, 'run-r' || (i % ${RUNS}), 'run', i / ${RUNS}, gen_random_uuid(), 'CheckResultRecorded',
        timestamptz '2026-01-01' + i * interval '10 ms', timestamptz '2026-01-01' + i * interval '10 ms', 'wrk:w1', 'worker',
        'c', md5(i::text) || md5(i::text), NULL, 'k1', 'sig'
      FROM generate_series(0, ${AUDIT_ROWS - 1}) i;
    ANALYZE;`);
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM ql_lineage_nodes');
  log(`seeded ${RUNS} runs (${RUNS * 12} checks), ${rows[0]!.n} lineage nodes, ${AUDIT_ROWS} audit rows in ${Date.now() - t0} ms`);
}

async function measure(name: string, op: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 200; i++) await op(); // warm-up, not counted
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next++ < OPS) {
        const t0 = process.hrtime.bigint();
        await op();
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const r = { p50: pct(times, 0.5), p95: pct(times, 0.95) };
  log(
    `${name.padEnd(34)} p50 ${r.p50.toFixed(2).padStart(7)} ms   p95 ${r.p95.toFixed(2).padStart(7)} ms   (${times.length} ops, ${CLIENTS} clients)`,
  );
  return r;
}

const dir = mkdtempSync(join(tmpdir(), 'qledger-bench-api-'));
const db = await startEmbeddedPostgres({ dataDir: dir, log });
const pool = new pg.Pool({ connectionString: db.connectionString, max: CLIENTS + 1 });
pool.on('error', () => undefined);
try {
  await migrateProjections(pool, [auditTrailProjection, ...READ_MODEL_PROJECTIONS]);
  await seed(pool);
  await measure('ceiling: SELECT 1', () => pool.query('SELECT 1'));
  const detail = await measure('run detail (5 queries, batched)', async () => {
    const id = `r${1 + rnd(RUNS)}`;
    await runsById(pool, [id]);
    await Promise.all([stagesOfRuns(pool, [id]), checksOfRuns(pool, [id]), decisionsByRun(pool, [id]), approvalsOfRuns(pool, [id])]);
  });
  const lineage = await measure('lineage depth 5 (both ways)', () =>
    queryLineage(pool, {
      node: `model:m${1 + rnd(MODELS)}@sha256:${1 + rnd(MODELS)}`,
      direction: 'BOTH',
      depth: 5,
      projects: null,
      maxNodes: 5000,
    }),
  );
  await measure('lineage depth 5 downstream of data', () =>
    queryLineage(pool, { node: `dataset:d${1 + rnd(DATASETS)}@v1`, direction: 'DOWNSTREAM', depth: 5, projects: null, maxNodes: 5000 }),
  );
  await measure('audit-trail page (50)', () => queryAuditTrail(pool, { afterPosition: rnd(AUDIT_ROWS - 100), first: 50 }));
  log(
    `targets: run detail p95 <= 20 ms: ${detail.p95 <= 20 ? 'met' : 'NOT met'}; lineage p95 <= 50 ms: ${lineage.p95 <= 50 ? 'met' : 'NOT met'}`,
  );
} finally {
  await pool.end();
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
}
