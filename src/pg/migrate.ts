import { createHash } from 'node:crypto';
import type pg from 'pg';
import { IllegalState } from '../domain/errors.js';

export interface Migration {
  /** Strictly increasing within a namespace, starting at 1. */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Applies pending migrations of one namespace ("eventstore", later one per read model)
 * in order, each in its own transaction, serialized across processes by an advisory lock.
 * A migration whose text changed after it was applied stops the start.
 */
export async function migrate(pool: pg.Pool, namespace: string, migrations: readonly Migration[]): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS ql_schema_migrations (
      namespace text NOT NULL, version integer NOT NULL, name text NOT NULL, checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (namespace, version))`);
    let applied = 0;
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      const checksum = createHash('sha256').update(m.sql).digest('hex');
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ql-migrate:${namespace}`]);
        const { rows } = await client.query<{ checksum: string }>(
          'SELECT checksum FROM ql_schema_migrations WHERE namespace = $1 AND version = $2',
          [namespace, m.version],
        );
        if (rows[0]) {
          if (rows[0].checksum !== checksum) {
            throw new IllegalState(
              'MIGRATION_CHANGED',
              `migration ${namespace}/${m.version} (${m.name}) was changed after it was applied: restore its original text and add a new migration instead`,
            );
          }
          await client.query('COMMIT');
          continue;
        }
        await client.query(m.sql);
        await client.query('INSERT INTO ql_schema_migrations (namespace, version, name, checksum) VALUES ($1, $2, $3, $4)', [
          namespace,
          m.version,
          m.name,
          checksum,
        ]);
        await client.query('COMMIT');
        applied++;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    }
    return applied;
  } finally {
    client.release();
  }
}
