import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { approvalsOfRuns, decisionsByRun, waiversOfRuns } from '../../../src/projections/decisions/decisions.queries.js';
import { ProjectionService } from '../../../src/projections/projection-service.js';
import { READ_MODEL_PROJECTIONS } from '../../../src/projections/rm-common/read-models.js';
import { runDetail } from '../../../src/projections/runs/run-detail.queries.js';
import { checksOfRuns, runsById, stagesOfRuns } from '../../../src/projections/runs/runs.queries.js';
import { useLedgerFixture } from '../../support/ledger-fixture.js';
import { writeScenario } from './scenario.js';

describe('run detail in one statement (decision 0056)', () => {
  const ctx = useLedgerFixture();

  it('returns exactly what the batched queries return, for every run of the scenario', async () => {
    const { db, fx } = ctx;
    await writeScenario(fx, 'a');
    const service = new ProjectionService(db.pool, fx.store, READ_MODEL_PROJECTIONS);
    await service.migrate();
    await service.catchUp();
    const { rows } = await db.pool.query<{ run_id: string }>('SELECT run_id FROM ql_runs ORDER BY run_id');
    const ids = rows.map((r) => r.run_id);
    assert.ok(ids.length >= 2, `the scenario has runs (${ids.length})`);
    let withDecision = 0;
    let withApprovals = 0;
    let withWaivers = 0;
    for (const id of ids) {
      const one = await runDetail(db.pool, id);
      const expected = {
        run: (await runsById(db.pool, [id])).get(id),
        stages: (await stagesOfRuns(db.pool, [id])).get(id) ?? [],
        checks: (await checksOfRuns(db.pool, [id])).get(id) ?? [],
        decision: (await decisionsByRun(db.pool, [id])).get(id) ?? null,
        approvals: (await approvalsOfRuns(db.pool, [id])).get(id) ?? [],
        waivers: (await waiversOfRuns(db.pool, [id])).get(id) ?? [],
      };
      assert.deepEqual(one, expected, `run ${id}`);
      assert.ok(expected.checks.length > 0 && expected.stages.length > 0, `run ${id} has stages and checks`);
      if (expected.decision) withDecision++;
      if (expected.approvals.length > 0) withApprovals++;
      if (expected.waivers.length > 0) withWaivers++;
    }
    assert.ok(withDecision > 0 && withApprovals > 0 && withWaivers > 0, 'decisions, approvals and waivers were compared');
  });

  it('is undefined for a run that does not exist', async () => {
    await new ProjectionService(ctx.db.pool, ctx.fx.store, READ_MODEL_PROJECTIONS).migrate();
    assert.equal(await runDetail(ctx.db.pool, 'no-such-run'), undefined);
  });
});
