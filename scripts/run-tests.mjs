#!/usr/bin/env node
// Runs every compiled test file with node's test runner. One embedded PostgreSQL (the
// project's own manager, a real PostgreSQL) serves the whole run; each test file works in
// a fresh schema of it. When QLEDGER_PG_URL is set, the event store contract suite also
// runs against that external PostgreSQL.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);

function findTests(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out = out.concat(findTests(p));
    else if (e.endsWith('.test.js')) out.push(p);
  }
  return out;
}

let files = [...findTests(join(root, 'ledger-verify/dist/test')), ...findTests(join(root, 'dist/test'))].sort();
if (only.length > 0) files = files.filter((f) => only.some((o) => relative(root, f).includes(o)));
if (files.length === 0) {
  console.error('run-tests: no compiled test files found: run npm run build first');
  process.exit(1);
}

// Every temporary file and directory of the run (test data dirs, exports, embedded clusters of the
// CLI tests) goes under one directory, removed at the end: a run leaves nothing in the system's
// temporary directory. QLEDGER_TEST_KEEP_TMP=1 keeps it for a post-mortem.
const runTmp = mkdtempSync(join(tmpdir(), 'qledger-test-run-'));
chmodSync(runTmp, 0o1777); // like /tmp: the embedded PostgreSQL runs as the postgres user when we are root
const keepTmp = process.env.QLEDGER_TEST_KEEP_TMP === '1';

const { startEmbeddedPostgres } = await import(join(root, 'dist/src/pg/embedded-postgres.js'));
const dataDir = mkdtempSync(join(runTmp, 'qledger-test-pg-'));
process.stderr.write(`run-tests: starting the embedded PostgreSQL for this run in ${dataDir}\n`);
const pg = await startEmbeddedPostgres({ dataDir, log: (l) => process.stderr.write(`run-tests: ${l}\n`) });
if (!process.env.QLEDGER_PG_URL) {
  process.stderr.write('run-tests: QLEDGER_PG_URL is not set: the contract suite runs against the embedded PostgreSQL only\n');
}

const child = spawn(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=300000', ...files], {
  stdio: 'inherit',
  env: { ...process.env, TMPDIR: runTmp, QLEDGER_TEST_EMBEDDED_PG_URL: pg.connectionString },
});
const stop = () => child.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
await pg.stop();
if (keepTmp) process.stderr.write(`run-tests: temporary files kept in ${runTmp} (QLEDGER_TEST_KEEP_TMP=1)\n`);
else rmSync(runTmp, { recursive: true, force: true });
process.exit(code);
