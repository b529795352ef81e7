import type pg from 'pg';
import { IllegalState } from '../domain/errors.js';
import type { Migration } from '../pg/migrate.js';

export const CHECKPOINT_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'projection checkpoints',
    sql: `
CREATE TABLE ql_projection_checkpoints (
  name       text        PRIMARY KEY,
  version    integer     NOT NULL,
  -- The next global position to apply (= number of events applied).
  position   bigint      NOT NULL CHECK (position >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
];

export interface Checkpoint {
  readonly version: number;
  readonly position: number;
}

/** Reads (and with `lock`, row-locks) a projection's checkpoint; undefined before its first run. */
export async function readCheckpoint(db: pg.Pool | pg.PoolClient, name: string, lock = false): Promise<Checkpoint | undefined> {
  const { rows } = await db.query<{ version: number; position: string }>(
    `SELECT version, position FROM ql_projection_checkpoints WHERE name = $1${lock ? ' FOR UPDATE' : ''}`,
    [name],
  );
  const r = rows[0];
  return r ? { version: r.version, position: Number(r.position) } : undefined;
}

/** The checkpoints of the named projections (one query); absent names have none yet. */
export async function readCheckpoints(db: pg.Pool | pg.PoolClient, names: readonly string[]): Promise<Map<string, Checkpoint>> {
  const { rows } = await db.query<{ name: string; version: number; position: string }>(
    'SELECT name, version, position FROM ql_projection_checkpoints WHERE name = ANY($1::text[])',
    [names],
  );
  return new Map(rows.map((r) => [r.name, { version: r.version, position: Number(r.position) }]));
}

export async function writeCheckpoint(tx: pg.PoolClient, name: string, checkpoint: Checkpoint): Promise<void> {
  await tx.query(
    `INSERT INTO ql_projection_checkpoints (name, version, position, updated_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, position = EXCLUDED.position, updated_at = now()`,
    [name, checkpoint.version, checkpoint.position],
  );
}

/**
 * Moves a projection's checkpoint from `from` to `to` (a named statement: parsed once per
 * connection). When the checkpoint is not at `from` with this version (another process moved it),
 * the statement fails (the position would be -1, which its CHECK refuses), so that inside a
 * transaction a COMMIT sent right behind it rolls back; the promise then rejects with
 * PROJECTION_MOVED. The promise resolves once PostgreSQL has answered; the statement is queued at once.
 */
export function advanceCheckpoint(tx: pg.PoolClient, name: string, version: number, from: number, to: number): Promise<void> {
  const moved = (): IllegalState =>
    new IllegalState(
      'PROJECTION_MOVED',
      `the checkpoint of projection ${name} is no longer at ${from} (version ${version}): another process applied it; this one starts again from the checkpoint`,
    );
  return tx
    .query({
      name: 'ql-projection-advance',
      text: `UPDATE ql_projection_checkpoints
             SET position = CASE WHEN version = $2::int AND position = $3::bigint THEN $4::bigint ELSE -1 END, updated_at = now()
             WHERE name = $1`,
      values: [name, version, from, to],
    })
    .then(
      (r) => {
        if (r.rowCount !== 1) throw moved();
      },
      (e: unknown) => {
        throw (e as { code?: string }).code === '23514' ? moved() : e;
      },
    );
}
