import type pg from 'pg';
import type { RunEvent } from '../../domain/run/types.js';
import type { Projection, ProjectedEvent } from '../projection.js';
import { bareSha256, eventsOf, insertMany, jsonb, pipelinedWrites } from '../rm-common/sql.js';
import { RUNS_MIGRATIONS } from './migrations.js';

/**
 * Pipeline runs (streams `run-<id>`): the run with its blueprint version, trigger, initiator and
 * pinned inputs; its stages and checks with status, metrics, findings and evidence digests; and
 * one row per (evidence digest, check attempt) so evidence finds the runs that reference it.
 * Every statement assigns values taken from the event, so replaying a suffix of the log in order
 * converges on the same rows (idempotent), whatever the batch boundaries.
 */
export const runsProjection: Projection = {
  name: 'runs',
  version: 1,
  migrations: RUNS_MIGRATIONS,
  tables: ['ql_runs', 'ql_run_stages', 'ql_run_checks', 'ql_run_evidence'],
  categories: ['run'],
  async apply(events: readonly ProjectedEvent[], client: pg.PoolClient): Promise<void> {
    const { tx, flush } = pipelinedWrites(client);
    const last = new Map<string, number>();
    for (const { event, id: runId, e } of eventsOf<RunEvent>(events, 'run')) {
      await applyRunEvent(tx, runId, event, e.recorded.position);
      last.set(runId, e.recorded.position);
    }
    // Every event of a run moves its updated_position: once per run and batch, after its other writes.
    if (last.size > 0) {
      await tx.query(
        `UPDATE ql_runs r SET updated_position = v.p FROM unnest($1::text[], $2::bigint[]) AS v(id, p)
         WHERE r.run_id = v.id AND r.updated_position <> v.p`,
        [[...last.keys()], [...last.values()]],
      );
    }
    await flush();
  },
};

/** Sets columns of the run row (`status = status`: none; apply() moves updated_position once per batch). */
async function run(tx: pg.PoolClient, runId: string, position: number, set: string, params: unknown[] = []): Promise<void> {
  if (set === 'status = status') return;
  await tx.query(`UPDATE ql_runs SET updated_position = $2, ${set} WHERE run_id = $1`, [runId, position, ...params]);
}

async function stage(tx: pg.PoolClient, runId: string, stageId: string, set: string, params: unknown[]): Promise<void> {
  await tx.query(`UPDATE ql_run_stages SET ${set} WHERE run_id = $1 AND stage_id = $2`, [runId, stageId, ...params]);
}

async function check(tx: pg.PoolClient, runId: string, checkId: string, set: string, params: unknown[]): Promise<void> {
  await tx.query(`UPDATE ql_run_checks SET ${set} WHERE run_id = $1 AND check_id = $2`, [runId, checkId, ...params]);
}

async function applyRunEvent(tx: pg.PoolClient, runId: string, event: RunEvent, position: number): Promise<void> {
  switch (event.type) {
    case 'RunRequested':
      return requested(tx, runId, event.data, position);
    case 'RunQueued':
      return run(tx, runId, position, `status = 'QUEUED', queued_at = $3`, [event.data.at]);
    case 'StageStarted':
      await run(tx, runId, position, `status = 'RUNNING', started_at = coalesce(started_at, $3)`, [event.data.at]);
      return stage(tx, runId, event.data.stageId, `status = 'RUNNING', started_at = $3`, [event.data.at]);
    case 'StageSkipped':
      await run(tx, runId, position, 'status = status');
      return stage(tx, runId, event.data.stageId, `status = 'SKIPPED', finished_at = $3, skip_reason = $4, skip_detail = $5`, [
        event.data.at,
        event.data.reason,
        event.data.detail,
      ]);
    case 'StagePassed':
      await run(tx, runId, position, 'status = status');
      return stage(tx, runId, event.data.stageId, `status = 'PASSED', finished_at = $3`, [event.data.at]);
    case 'StageFailed':
      await run(tx, runId, position, 'status = status');
      return stage(tx, runId, event.data.stageId, `status = 'FAILED', finished_at = $3, failed_checks = $4`, [
        event.data.at,
        jsonb(event.data.failedChecks),
      ]);
    case 'CheckScheduled':
    case 'CheckRetryScheduled':
      await run(tx, runId, position, 'status = status');
      return check(
        tx,
        runId,
        event.data.checkId,
        `status = 'SCHEDULED', attempt = $3, deadline = $4, scheduled_at = $5, worker_id = NULL, started_at = NULL, finished_at = NULL, error = NULL`,
        [event.data.attempt, event.data.deadline, event.data.at],
      );
    case 'CheckStarted':
      await run(tx, runId, position, 'status = status');
      return check(tx, runId, event.data.checkId, `status = 'RUNNING', attempt = $3, worker_id = $4, deadline = $5, started_at = $6`, [
        event.data.attempt,
        event.data.workerId,
        event.data.deadline,
        event.data.at,
      ]);
    case 'CheckResultRecorded': {
      const d = event.data;
      await run(tx, runId, position, 'status = status');
      await check(
        tx,
        runId,
        d.checkId,
        `status = $3, attempt = $4, worker_id = $5, metrics = $6, findings = $7, evidence = $8, tool = $9, finished_at = $10, error = NULL`,
        [d.outcome, d.attempt, d.workerId, jsonb(d.metrics), jsonb(d.findings), jsonb(d.evidence), d.tool ?? null, d.at],
      );
      return insertMany(
        tx,
        'ql_run_evidence',
        ['sha256 text', 'run_id text', 'check_id text', 'attempt int', 'position bigint'],
        [...new Set(d.evidence)].map((digest) => [bareSha256(digest), runId, d.checkId, d.attempt, position]),
        'ON CONFLICT DO NOTHING',
      );
    }
    case 'CheckErrored':
      await run(tx, runId, position, 'status = status');
      return check(tx, runId, event.data.checkId, `status = 'ERROR', attempt = $3, error = $4, finished_at = $5`, [
        event.data.attempt,
        event.data.error,
        event.data.at,
      ]);
    case 'CheckTimedOut':
      await run(tx, runId, position, 'status = status');
      return check(tx, runId, event.data.checkId, `status = 'TIMED_OUT', attempt = $3, error = $4, finished_at = $5`, [
        event.data.attempt,
        `timed out at the deadline ${event.data.deadline}`,
        event.data.at,
      ]);
    case 'RunAwaitingDecision':
      return run(tx, runId, position, `status = 'AWAITING_DECISION'`);
    case 'RunSucceeded':
      return run(tx, runId, position, `status = 'SUCCEEDED', finished_at = $3, reasons = $4`, [event.data.at, jsonb(event.data.reasons)]);
    case 'RunFailed':
      return run(tx, runId, position, `status = 'FAILED', finished_at = $3, reasons = $4`, [event.data.at, jsonb(event.data.reasons)]);
    case 'RunCancelled':
      return run(tx, runId, position, `status = 'CANCELLED', finished_at = $3, cancel_reason = $4, cancelled_by = $5`, [
        event.data.at,
        event.data.reason,
        event.data.by,
      ]);
  }
}

async function requested(
  tx: pg.PoolClient,
  runId: string,
  d: Extract<RunEvent, { type: 'RunRequested' }>['data'],
  position: number,
): Promise<void> {
  await tx.query(
    `INSERT INTO ql_runs (run_id, project_id, environment, status, blueprint_id, blueprint_version, blueprint_digest,
       trigger_kind, trigger, initiator, inputs, policies, requested_at, requested_position, updated_position)
     VALUES ($1, $2, $3, 'REQUESTED', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
     ON CONFLICT (run_id) DO UPDATE SET status = 'REQUESTED', updated_position = $13`,
    [
      runId,
      d.projectId,
      d.environment,
      d.plan.blueprint.id,
      d.plan.blueprint.version,
      d.plan.blueprint.digest,
      d.trigger.kind,
      jsonb(d.trigger),
      d.initiator,
      jsonb(d.inputs),
      jsonb(d.plan.policies),
      d.requestedAt,
      position,
    ],
  );
  await insertMany(
    tx,
    'ql_run_stages',
    ['run_id text', 'stage_id text', 'ord int', 'name text', 'depends_on jsonb', 'condition jsonb', 'status text'],
    d.plan.stages.map((s, i) => [runId, s.id, i, s.name, jsonb(s.dependsOn), s.condition ? jsonb(s.condition) : null, 'PENDING']),
    'ON CONFLICT DO NOTHING',
  );
  const checks = d.plan.stages.flatMap((s) => s.checks.map((c) => ({ s, c })));
  await insertMany(
    tx,
    'ql_run_checks',
    ['run_id text', 'check_id text', 'stage_id text', 'ord int', 'check_type text', 'required boolean', 'thresholds jsonb', 'status text'],
    checks.map(({ s, c }, i) => [runId, c.id, s.id, i, c.type, c.required, jsonb(c.thresholds), 'PENDING']),
    'ON CONFLICT DO NOTHING',
  );
}
