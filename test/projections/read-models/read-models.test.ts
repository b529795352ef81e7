import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { ProjectionService } from '../../../src/projections/projection-service.js';
import { READ_MODEL_PROJECTIONS } from '../../../src/projections/rm-common/read-models.js';
import { useLedgerFixture } from '../../support/ledger-fixture.js';
import { snapshot, waitFor } from '../support.js';
import { FAIRNESS_EVIDENCE, MODEL_DIGEST, writeScenario } from './scenario.js';

/** Every table of the read models with its primary key order. */
const TABLES: Array<[string, string]> = [
  ['ql_projects', 'project_id'],
  ['ql_project_blueprints', 'project_id, environment'],
  ['ql_blueprint_versions', 'blueprint_id, version'],
  ['ql_runs', 'run_id'],
  ['ql_run_stages', 'run_id, stage_id'],
  ['ql_run_checks', 'run_id, check_id'],
  ['ql_run_evidence', 'sha256, run_id, check_id, attempt'],
  ['ql_decisions', 'run_id'],
  ['ql_decision_approvals', 'run_id, position'],
  ['ql_decision_waivers', 'run_id, waiver_id'],
  ['ql_managed_keys', 'key_id'],
  ['ql_managed_key_versions', 'key_id, version'],
  ['ql_evidence', 'sha256'],
  ['ql_model_versions', 'model, digest'],
  ['ql_model_approvals', 'model, digest, stage'],
  ['ql_batch_manifests', 'job_id, partition'],
  ['ql_lineage_nodes', 'id'],
  ['ql_lineage_edges', 'up, down, kind'],
];

async function all(pool: pg.Pool): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [t, o] of TABLES) out[t] = await snapshot(pool, t, o);
  return out;
}

describe('read models (projects, blueprints, runs, decisions, keys, evidence, models, lineage)', () => {
  const ctx = useLedgerFixture();

  it('live apply in small batches and a rebuild from zero in one batch give exactly the same rows', async () => {
    const { db, fx } = ctx;
    // The service's runners use pipeline-mode connections (decision 0058): the live run does too.
    const piped = new pg.Pool({ connectionString: db.url, max: READ_MODEL_PROJECTIONS.length + 2, pipeline: true } as pg.PoolConfig);
    const live = new ProjectionService(piped, fx.store, READ_MODEL_PROJECTIONS, { batchSize: 3 });
    await live.migrate();
    live.start();
    try {
      await writeScenario(fx, 'a');
      const head = await fx.store.headPosition();
      await waitFor(async () => (await live.status()).every((s) => s.position === head), 'live read models to reach the head', 120_000);
    } finally {
      await live.stop();
      await piped.end();
    }
    const afterLive = await all(db.pool);
    for (const [t] of TABLES) assert.ok(afterLive[t]!.length > 0, `${t} has rows`);

    const rebuilt = new ProjectionService(db.pool, fx.store, READ_MODEL_PROJECTIONS, { batchSize: 10_000 });
    await rebuilt.catchUp(undefined, { fromZero: true });
    assert.deepEqual(await all(db.pool), afterLive);
  });

  it('is idempotent: replaying from an old checkpoint converges on the same rows', async () => {
    const { db, fx } = ctx;
    const service = new ProjectionService(db.pool, fx.store, READ_MODEL_PROJECTIONS);
    await service.catchUp();
    const before = await all(db.pool);
    await db.pool.query('UPDATE ql_projection_checkpoints SET position = 5');
    await service.catchUp();
    assert.deepEqual(await all(db.pool), before);
  });

  it('holds what the log says: run status, failed check with evidence, decision, waiver, model and lineage', async () => {
    const { db } = ctx;
    const q = async <T extends pg.QueryResultRow>(sql: string, p: unknown[] = []) => (await db.pool.query<T>(sql, p)).rows;
    const [run] = await q<{ status: string; blueprint_id: string; trigger_kind: string; initiator: string }>(
      "SELECT * FROM ql_runs WHERE run_id = 'a-eval'",
    );
    assert.deepEqual(
      [run?.status, run?.blueprint_id, run?.trigger_kind, run?.initiator],
      ['SUCCEEDED', 'ds-ia-crypto', 'model_registered', 'usr:dev-1'],
    );
    const failed = await q<{ check_id: string; evidence: string[] }>(
      "SELECT check_id, evidence FROM ql_run_checks WHERE run_id = 'a-eval' AND status = 'FAIL'",
    );
    assert.deepEqual(failed, [{ check_id: 'fairness_check', evidence: FAIRNESS_EVIDENCE.map((h) => `sha256:${h}`) }]);
    const refs = await q<{ run_id: string }>('SELECT run_id FROM ql_run_evidence WHERE sha256 = $1', [FAIRNESS_EVIDENCE[0]]);
    assert.deepEqual(refs, [{ run_id: 'a-eval' }]);
    const [decision] = await q<{ status: string; verdict: string }>("SELECT status, verdict FROM ql_decisions WHERE run_id = 'a-eval'");
    assert.deepEqual(decision, { status: 'APPROVED', verdict: 'NEEDS_APPROVAL' });
    const approvals = await q<{ actor_id: string }>("SELECT actor_id FROM ql_decision_approvals WHERE run_id = 'a-eval' ORDER BY position");
    assert.deepEqual(
      approvals.map((a) => a.actor_id),
      ['usr:rm-1', 'usr:rm-2'],
    );
    const [waiver] = await q<{ target_ref: string; status: string }>(
      "SELECT target_ref, status FROM ql_decision_waivers WHERE run_id = 'a-eval'",
    );
    assert.deepEqual(waiver, { target_ref: 'fairness_check', status: 'ACTIVE' });
    const edges = await q<{ up: string; down: string; kind: string }>(
      `SELECT up, down, kind FROM ql_lineage_edges WHERE up = $1 OR down = $1 ORDER BY kind, up, down`,
      [`model:churn@${MODEL_DIGEST}`],
    );
    assert.deepEqual(edges, [
      { up: `model:churn@${MODEL_DIGEST}`, down: 'decision:a-eval', kind: 'APPROVED' },
      { up: `model:churn@${MODEL_DIGEST}`, down: 'run:a-batch', kind: 'CONSUMED' },
      { up: `model:churn@${MODEL_DIGEST}`, down: 'run:a-eval', kind: 'CONSUMED' },
      { up: 'run:a-train', down: `model:churn@${MODEL_DIGEST}`, kind: 'PRODUCED' },
      { up: 'dataset:curated/tx_2025@2025-11-12', down: `model:churn@${MODEL_DIGEST}`, kind: 'TRAINED_ON' },
    ]);
  });
});
