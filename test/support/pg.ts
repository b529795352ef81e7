import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** Connection string whose search_path is a fresh schema of its own. */
  readonly url: string;
  readonly pool: pg.Pool;
  drop(): Promise<void>;
}

/** The PostgreSQL targets for this run: always the embedded one, plus QLEDGER_PG_URL when given. */
export function targets(): Array<{ name: string; url: string }> {
  const embedded = process.env['QLEDGER_TEST_EMBEDDED_PG_URL'];
  if (!embedded) throw new Error('QLEDGER_TEST_EMBEDDED_PG_URL is not set: run the tests with npm test');
  const list = [{ name: 'embedded PostgreSQL', url: embedded }];
  const external = process.env['QLEDGER_PG_URL'];
  if (external) list.push({ name: 'external PostgreSQL (QLEDGER_PG_URL)', url: external });
  return list;
}

export function embeddedUrl(): string {
  return targets()[0]!.url;
}

/** A fresh, empty schema on the target, selected through the connection's search_path. */
export async function freshDatabase(baseUrl: string = embeddedUrl()): Promise<TestDatabase> {
  const schema = `qltest_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const u = new URL(baseUrl);
  u.searchParams.set('options', `-c search_path=${schema}`);
  const url = u.toString();
  // Room for a ProjectionService of every projection (each runner holds a connection for its lease) next to the test.
  const pool = new pg.Pool({ connectionString: url, max: 30 });
  pool.on('error', () => undefined);
  return {
    url,
    pool,
    drop: async () => {
      await pool.end();
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}
