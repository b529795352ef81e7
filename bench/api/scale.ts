// Scales the read models written by the real projections from `qledger demo` to ~100,000 lineage
// nodes, in SQL: every synthesized run is a copy of one demo run's rows (runs, stages, checks,
// evidence citations, decision, approvals, waivers) with the run id renamed, so it reads back exactly
// like the rows the projection wrote (api.bench.ts checks one sample through GraphQL). Its lineage
// repeats the demo run's edges (blueprint hubs, commits, datasets, models it consumed and produced,
// EVALUATED_BY, APPROVED) with fresh commits, DS dataset versions and MS model digests, so that
// models chain through runs as in the demo; the audit trail repeats the demo's events.
import type pg from 'pg';

export interface ScaleOptions {
  /** Synthesized runs (each with its decision node): 2 x runs + commits + datasets + models ~ lineage nodes. */
  readonly runs: number;
  readonly datasets: number;
  readonly models: number;
  /** Copies of the demo's audit trail (0: as many as runs / demo runs). */
  readonly auditCopies: number;
}

export interface Scaled {
  readonly runs: number;
  readonly checks: number;
  readonly lineageNodes: number;
  readonly lineageEdges: number;
  readonly auditRows: number;
  /** Position above every real one: synthesized audit rows live from here. */
  readonly auditBase: number;
  readonly auditCopies: number;
  /** A demo run and one of its copies, for the read-back check. */
  readonly sample: { readonly original: string; readonly copy: string };
  /** Synthesized run ids, streams and lineage nodes the bench asks for. */
  readonly runIds: string[];
  readonly models: string[];
  readonly streams: string[];
}

const RUN_TABLES = [
  'ql_runs',
  'ql_run_stages',
  'ql_run_checks',
  'ql_run_evidence',
  'ql_decisions',
  'ql_decision_approvals',
  'ql_decision_waivers',
];

/** Column expressions that copy a row of `table` for run `m.orig` as run `m.copy` (ids renamed in text and JSON). */
async function copyColumns(client: pg.PoolClient, table: string): Promise<{ cols: string; exprs: string }> {
  const { rows } = await client.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1
     ORDER BY ordinal_position`,
    [table],
  );
  const exprs = rows.map(({ column_name: c, data_type: t }) =>
    t === 'text' ? `replace(t.${c}, m.orig, m.copy)` : t === 'jsonb' ? `replace(t.${c}::text, m.orig, m.copy)::jsonb` : `t.${c}`,
  );
  return { cols: rows.map((r) => r.column_name).join(', '), exprs: exprs.join(', ') };
}

export async function scaleDemo(pool: pg.Pool, o: ScaleOptions): Promise<Scaled> {
  const client = await pool.connect();
  try {
    const q = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> =>
      (await client.query<R>(sql, params)).rows;
    const demo = await q<{ run_id: string }>('SELECT run_id FROM ql_runs ORDER BY run_id');
    if (demo.length === 0) throw new Error('no demo runs in the read models: did qledger demo run and the projections catch up?');
    await q(`CREATE TEMP TABLE bench_map AS
      SELECT k, d.run_id AS orig, d.run_id || '-x' || k AS copy
      FROM generate_series(1, ${o.runs}) k JOIN (SELECT run_id, (row_number() OVER (ORDER BY run_id) - 1)::int AS i FROM ql_runs) d
        ON d.i = k % ${demo.length}`);
    await q('CREATE INDEX ON bench_map (orig)');
    for (const table of RUN_TABLES) {
      const { cols, exprs } = await copyColumns(client, table);
      await q(`INSERT INTO ${table} (${cols}) SELECT ${exprs} FROM ${table} t JOIN bench_map m ON t.run_id = m.orig`);
    }
    // Lineage: the edges of each demo run and its decision, renamed for the copy.
    await q(`CREATE FUNCTION pg_temp.bench_node(id text, k int, orig text, kind text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE split_part(id, ':', 1)
        WHEN 'run' THEN 'run:' || orig || '-x' || k
        WHEN 'decision' THEN 'decision:' || orig || '-x' || k
        WHEN 'commit' THEN 'commit:' || md5(id || k) || left(md5(k || id), 8)
        WHEN 'dataset' THEN regexp_replace(id, '@', '-' || (k % ${o.datasets}) || '@')
        WHEN 'model' THEN regexp_replace(id, '@', '-' || ((k + CASE kind WHEN 'PRODUCED' THEN 0 ELSE 7 END) % ${o.models}) || '@')
        ELSE id END $$`);
    await q(`CREATE TEMP TABLE bench_edges AS
      SELECT DISTINCT pg_temp.bench_node(e.up, m.k, m.orig, e.kind) AS up, pg_temp.bench_node(e.down, m.k, m.orig, e.kind) AS down,
        e.kind, e.position
      FROM bench_map m JOIN ql_lineage_edges e
        ON e.up IN ('run:' || m.orig, 'decision:' || m.orig) OR e.down IN ('run:' || m.orig, 'decision:' || m.orig)`);
    // What the copied models were trained on: the demo models' TRAINED_ON edges, per model copy.
    await q(`INSERT INTO bench_edges
      SELECT DISTINCT regexp_replace(e.up, '@', '-' || ((j * 7) % ${o.datasets}) || '@'), regexp_replace(e.down, '@', '-' || j || '@'),
        e.kind, e.position
      FROM ql_lineage_edges e, generate_series(0, ${o.models - 1}) j WHERE e.kind = 'TRAINED_ON'`);
    await q(`INSERT INTO ql_lineage_nodes (id, kind, label, project_id, attrs, first_position)
      SELECT m.copy_id, n.kind, replace(n.label, m.orig, m.orig || '-x' || m.k), n.project_id, n.attrs, n.first_position
      FROM (SELECT k, orig, 'run:' || orig || '-x' || k AS copy_id, 'run:' || orig AS orig_id FROM bench_map
            UNION ALL SELECT k, orig, 'decision:' || orig || '-x' || k, 'decision:' || orig FROM bench_map) m
      JOIN ql_lineage_nodes n ON n.id = m.orig_id`);
    await q(`INSERT INTO ql_lineage_nodes (id, kind, label, project_id, attrs, first_position)
      SELECT id, upper(split_part(id, ':', 1)), substr(id, strpos(id, ':') + 1), NULL, '{}', 0
      FROM (SELECT up AS id FROM bench_edges UNION SELECT down FROM bench_edges) x
      ON CONFLICT (id) DO NOTHING`);
    await q(`INSERT INTO ql_lineage_edges (up, down, kind, position) SELECT up, down, kind, position FROM bench_edges
      ON CONFLICT DO NOTHING`);
    // The audit trail: the demo's events again, copy after copy, above every real position.
    const demoEvents = Number((await q<{ n: string }>('SELECT count(*) AS n FROM ql_audit_trail'))[0]!.n);
    const auditCopies = o.auditCopies > 0 ? o.auditCopies : Math.ceil(o.runs / demo.length);
    const auditBase = 1e12;
    await q(`INSERT INTO ql_audit_trail (position, stream, category, revision, event_id, type, occurred_at, recorded_at, actor_id,
        actor_kind, correlation_id, hash, prev, kid, sig)
      SELECT ${auditBase}::bigint + c::bigint * ${demoEvents} + t.i, t.stream || '-x' || c, t.category, t.revision, gen_random_uuid(),
        t.type, t.occurred_at, t.recorded_at, t.actor_id, t.actor_kind, t.correlation_id, t.hash, t.prev, t.kid, t.sig
      FROM (SELECT *, (row_number() OVER (ORDER BY position) - 1) AS i FROM ql_audit_trail) t, generate_series(0, ${auditCopies - 1}) c`);
    await q('ANALYZE');
    const count = async (sql: string): Promise<number> => Number((await q<{ n: string }>(sql))[0]!.n);
    const sample = (
      await q<{ orig: string; copy: string }>(
        `SELECT m.orig, m.copy FROM bench_map m JOIN ql_decision_approvals a ON a.run_id = m.orig ORDER BY m.k LIMIT 1`,
      )
    )[0]!;
    const runIds = (await q<{ copy: string }>('SELECT copy FROM bench_map ORDER BY random() LIMIT 2000')).map((r) => r.copy);
    const models = (await q<{ id: string }>("SELECT id FROM ql_lineage_nodes WHERE kind = 'MODEL' ORDER BY random() LIMIT 2000")).map(
      (r) => r.id,
    );
    const streams = (
      await q<{ stream: string }>(
        `SELECT stream FROM (SELECT DISTINCT stream FROM ql_audit_trail WHERE position >= ${auditBase} AND category = 'run') s
         ORDER BY random() LIMIT 2000`,
      )
    ).map((r) => r.stream);
    return {
      runs: await count('SELECT count(*) AS n FROM ql_runs'),
      checks: await count('SELECT count(*) AS n FROM ql_run_checks'),
      lineageNodes: await count('SELECT count(*) AS n FROM ql_lineage_nodes'),
      lineageEdges: await count('SELECT count(*) AS n FROM ql_lineage_edges'),
      auditRows: await count('SELECT count(*) AS n FROM ql_audit_trail'),
      auditBase,
      auditCopies,
      sample: { original: sample.orig, copy: sample.copy },
      runIds,
      models,
      streams,
    };
  } finally {
    client.release();
  }
}
