// npm run bench:seal — the Merkle sealer and the export over a log of BENCH_EVENTS events on the
// embedded PostgreSQL: leaves ingested and stored per second (a sealer catching up from zero,
// then one checkpoint), inclusion proofs per second read from the stored tree, and the full
// export (directory, then .tar.gz) in events per second. Shared, noisy machines: read the orders
// of magnitude, not the digits.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Decider } from '../src/domain/decider.js';
import { STREAM_CATEGORIES } from '../src/domain/streams.js';
import { PostgresEventStore } from '../src/eventstore/postgres/postgres-event-store.js';
import { writeExport } from '../src/export/export-writer.js';
import { newId } from '../src/ledger/ids.js';
import { KeyRingService } from '../src/ledger/keys/key-ring-service.js';
import { LocalKeystore } from '../src/ledger/keys/keystore.js';
import { LedgerWriter } from '../src/ledger/ledger-writer.js';
import { ProofService } from '../src/ledger/proofs/proof-service.js';
import { MerkleStore } from '../src/ledger/sealer/merkle-store.js';
import { sealOnce } from '../src/ledger/sealer/sealer.js';
import { startEmbeddedPostgres } from '../src/pg/embedded-postgres.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 20_000);
const PROOFS = Number(process.env['BENCH_PROOFS'] ?? 500);
const WRITERS = 32;

type Cmd = { readonly check: string; readonly score: number };
type Ev = { readonly type: 'CheckReported'; readonly data: { readonly check: string; readonly score: number; readonly n: number } };
const run: Decider<Cmd, Ev, number> = {
  initialState: 0,
  evolve: (n) => n + 1,
  decide: (c, n) => [{ type: 'CheckReported', data: { check: c.check, score: c.score, n } }],
};
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const log = (l: string): void => void process.stderr.write(`${l}\n`);
const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;
const meta = () => {
  const commandId = newId();
  return {
    commandId,
    occurredAt: new Date().toISOString(),
    actor: { id: 'worker:bench-01', kind: 'worker' as const },
    correlationId: commandId,
    causationId: commandId,
  };
};

const dir = mkdtempSync(join(tmpdir(), 'qledger-bench-seal-'));
log(`bench:seal: ${fmt(EVENTS)} events, ${PROOFS} proofs; ${cpus().length} cores; data in ${dir}`);
const db = await startEmbeddedPostgres({ dataDir: dir, log });
const pool = new pg.Pool({ connectionString: db.connectionString, max: 10 });
pool.on('error', () => undefined);
try {
  const store = await PostgresEventStore.open({
    pool,
    connectionString: db.connectionString,
    categories: new Set(STREAM_CATEGORIES),
    maxEventBytes: 1 << 20,
  });
  const keyRing = new KeyRingService(
    store,
    new LocalKeystore({ dir: join(dir, 'keys'), passphrase: 'benchmark passphrase', allowInsecure: false }),
  );
  await keyRing.ensureGenesis(() => 'bench.quality-ledger.local/ledger', meta());
  const writer = new LedgerWriter(store, keyRing);
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      for (let i = next++; i < EVENTS; i = next++)
        await writer.execute(`run-bench-${i % 1000}`, run, { check: `c${i % 13}`, score: (i % 1000) / 1000 }, meta());
    }),
  );
  log(`wrote ${fmt(await store.headPosition())} events`);

  let t0 = process.hrtime.bigint();
  const cp = await sealOnce({ store, pool, signing: keyRing, leaseMs: 60_000 });
  const sealRate = (cp?.size ?? 0) / seconds(t0);
  log(`sealer catch-up from zero + one checkpoint: ${fmt(cp?.size ?? 0)} leaves, ${fmt(sealRate)} leaves/s`);

  const proofs = new ProofService(store, await MerkleStore.open(pool));
  t0 = process.hrtime.bigint();
  for (let i = 0; i < PROOFS; i++) await proofs.inclusion({ leafIndex: (i * 7919) % (cp?.size ?? 1) });
  const proofRate = PROOFS / seconds(t0);
  log(`inclusion proofs from the stored tree: ${fmt(proofRate)} proofs/s`);

  t0 = process.hrtime.bigint();
  const ex = await writeExport({ store, origin: keyRing.origin, trustRoot: keyRing.trustRoot as string, out: join(dir, 'export') });
  const exportRate = ex.manifest.counts.events / seconds(t0);
  t0 = process.hrtime.bigint();
  await writeExport({ store, origin: keyRing.origin, trustRoot: keyRing.trustRoot as string, out: join(dir, 'export'), tar: true });
  const tarRate = ex.manifest.counts.events / seconds(t0);
  log(`export: ${fmt(exportRate)} events/s (directory), ${fmt(tarRate)} events/s (.tar.gz)`);
  await store.close();
  const result = {
    benchmark: 'seal',
    events: EVENTS,
    cores: cpus().length,
    sealerLeavesPerSec: Math.round(sealRate),
    inclusionProofsPerSec: Math.round(proofRate),
    exportEventsPerSec: Math.round(exportRate),
    exportTarEventsPerSec: Math.round(tarRate),
  };
  console.log(JSON.stringify(result));
} finally {
  await pool.end();
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
}
