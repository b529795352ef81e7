import type pg from 'pg';
import { migrate, type Migration } from '../pg/migrate.js';

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'process manager checkpoint, active runs, models registered by runs',
    sql: `
      CREATE TABLE ql_process_checkpoints (name text PRIMARY KEY, position bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE ql_process_active_runs (run_id text PRIMARY KEY, since timestamptz NOT NULL DEFAULT now());
      CREATE TABLE ql_process_run_models (run_id text NOT NULL, model text NOT NULL, digest text NOT NULL, PRIMARY KEY (run_id, model, digest));
    `,
  },
];

/**
 * The process manager's own state in PostgreSQL: its position in the global log (the next
 * position to handle), the runs still in flight (for the timeout sweep) and the models each run
 * registered (approved for the run's environment when the run succeeds). Every write is an
 * upsert or a delete: handling an event twice converges to the same rows.
 */
export class ProcessStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly name: string,
  ) {}

  async migrate(): Promise<void> {
    await migrate(this.pool, 'process', MIGRATIONS);
  }

  async position(): Promise<number> {
    const { rows } = await this.pool.query<{ position: string }>('SELECT position FROM ql_process_checkpoints WHERE name = $1', [
      this.name,
    ]);
    return rows[0] ? Number(rows[0].position) : 0;
  }

  async savePosition(next: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO ql_process_checkpoints (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = GREATEST(ql_process_checkpoints.position, EXCLUDED.position), updated_at = now()`,
      [this.name, next],
    );
  }

  async runActive(runId: string, active: boolean): Promise<void> {
    if (active) await this.pool.query('INSERT INTO ql_process_active_runs (run_id) VALUES ($1) ON CONFLICT DO NOTHING', [runId]);
    else await this.pool.query('DELETE FROM ql_process_active_runs WHERE run_id = $1', [runId]);
  }

  async activeRuns(): Promise<string[]> {
    const { rows } = await this.pool.query<{ run_id: string }>('SELECT run_id FROM ql_process_active_runs ORDER BY since, run_id');
    return rows.map((r) => r.run_id);
  }

  async addRunModel(runId: string, model: string, digest: string): Promise<void> {
    await this.pool.query('INSERT INTO ql_process_run_models (run_id, model, digest) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
      runId,
      model,
      digest,
    ]);
  }

  async runModels(runId: string): Promise<{ model: string; digest: string }[]> {
    const { rows } = await this.pool.query<{ model: string; digest: string }>(
      'SELECT model, digest FROM ql_process_run_models WHERE run_id = $1 ORDER BY model, digest',
      [runId],
    );
    return rows;
  }
}
