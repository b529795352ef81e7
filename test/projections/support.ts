import type pg from 'pg';
import { counter, meta, type LedgerFixture } from '../support/ledger-fixture.js';

/** Appends `n` commands of 1-3 events each over a few streams of several categories. */
export async function appendSome(fx: LedgerFixture, n: number, prefix = 's'): Promise<void> {
  const streams = [`project-${prefix}1`, `run-${prefix}2`, `run-${prefix}3`, `blueprint-${prefix}4`];
  // Streams in parallel, each stream's commands in order (no retries needed).
  await Promise.all(
    streams.map(async (stream, s) => {
      for (let i = s; i < n; i += streams.length) {
        await fx.writer.execute(stream, counter, { type: 'Increment', count: 1 + (i % 3) }, meta());
      }
    }),
  );
}

/** Every row of a table, in primary key order, as JSON text: equal snapshots mean equal tables. */
export async function snapshot(pool: pg.Pool, table: string, orderBy: string): Promise<string[]> {
  const { rows } = await pool.query<{ r: string }>(`SELECT row_to_json(t)::text AS r FROM ${table} t ORDER BY ${orderBy}`);
  return rows.map((x) => x.r);
}

export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
