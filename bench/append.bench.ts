// npm run bench:append — durably committed, signed and chained events per second with 32
// concurrent writers over 1,000 streams on the embedded PostgreSQL, next to the raw ceilings
// measured in the same run: node:crypto Ed25519 signs/s and batched PostgreSQL inserts rows/s.
// Each figure is the median of ROUNDS rounds after a warm-up round that is printed but not
// counted (shared, noisy machines: read the ratios).
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { STREAM_CATEGORIES } from '../src/domain/streams.js';
import type { Decider } from '../src/domain/decider.js';
import { PostgresEventStore } from '../src/eventstore/postgres/postgres-event-store.js';
import { newId } from '../src/ledger/ids.js';
import { KeyRingService } from '../src/ledger/keys/key-ring-service.js';
import { SignPool } from '../src/ledger/keys/sign-pool.js';
import { LocalKeystore } from '../src/ledger/keys/keystore.js';
import { LedgerWriter } from '../src/ledger/ledger-writer.js';
import { startEmbeddedPostgres } from '../src/pg/embedded-postgres.js';

const WRITERS = Number(process.env['BENCH_WRITERS'] ?? 32);
const STREAMS = Number(process.env['BENCH_STREAMS'] ?? 1000);
const EVENTS_PER_ROUND = Number(process.env['BENCH_EVENTS'] ?? 20_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const WARMUP_EVENTS = Number(process.env['BENCH_WARMUP_EVENTS'] ?? 5000);

type Cmd = { readonly check: string; readonly score: number };
type Ev = { readonly type: 'CheckReported'; readonly data: { readonly check: string; readonly score: number; readonly n: number } };
/** A realistic small event: a check result on a run stream. */
const run: Decider<Cmd, Ev, number> = {
  initialState: 0,
  evolve: (n) => n + 1,
  decide: (c, n) => [{ type: 'CheckReported', data: { check: c.check, score: c.score, n } }],
};

// BENCH_PROFILE=<path prefix>: a V8 CPU profile of each counted ledger round (not of the ceilings).
const PROFILE = process.env['BENCH_PROFILE'];

async function startProfile(): Promise<(file: string) => Promise<void>> {
  const session = new Session();
  session.connect();
  const post = (method: string): Promise<unknown> =>
    new Promise((resolve, reject) => session.post(method, (err, res) => (err ? reject(err) : resolve(res))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return async (file) => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    log(`  profile: ${file}`);
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const log = (l: string): void => void process.stderr.write(`${l}\n`);

function signCeiling(): number {
  const { privateKey } = generateKeyPairSync('ed25519');
  const payload = Buffer.alloc(53, 7);
  const n = 20_000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sign(null, payload, privateKey);
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

async function insertCeiling(pool: pg.Pool, sample: string, round: number): Promise<number> {
  const table = `bench_ceiling_${round}`;
  await pool.query(`CREATE TABLE ${table} (position bigint PRIMARY KEY, stream text NOT NULL, revision bigint NOT NULL,
    event_id uuid NOT NULL UNIQUE, type text NOT NULL, data text NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now(), UNIQUE (stream, revision))`);
  const batch = 500;
  const total = EVENTS_PER_ROUND;
  const t0 = process.hrtime.bigint();
  for (let start = 0; start < total; start += batch) {
    const n = Math.min(batch, total - start);
    const pos = Array.from({ length: n }, (_, i) => start + i);
    await pool.query(
      `INSERT INTO ${table} (position, stream, revision, event_id, type, data)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::uuid[], $5::text[], $6::text[])`,
      [
        pos,
        pos.map((p) => `run-${p % STREAMS}`),
        pos.map((p) => Math.floor(p / STREAMS)),
        pos.map(() => randomUUID()),
        pos.map(() => 'CheckReported'),
        pos.map(() => sample),
      ],
    );
  }
  const rate = total / (Number(process.hrtime.bigint() - t0) / 1e9);
  await pool.query(`DROP TABLE ${table}`);
  return rate;
}

async function ledgerRound(
  label: string,
  writer: LedgerWriter,
  streams: string[],
  round: number,
  events = EVENTS_PER_ROUND,
): Promise<number> {
  let next = 0;
  const cpu0 = process.cpuUsage();
  const commits0 = batches;
  const machine0 = machineCpu();
  const pg0 = postgresCpuSecs();
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      for (let i = next++; i < events; i = next++) {
        const commandId = newId();
        const stream = streams[(i * 7919 + round) % streams.length] as string;
        await writer.execute(
          stream,
          run,
          { check: `unit_tests_${i % 13}`, score: (i % 1000) / 1000 },
          {
            commandId,
            occurredAt: new Date().toISOString(),
            actor: { id: 'worker:bench-01', kind: 'worker' },
            correlationId: commandId,
            causationId: commandId,
          },
        );
      }
    }),
  );
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const machine1 = machineCpu();
  const pgSecs = postgresCpuSecs() - pg0;
  const commits = batches - commits0;
  const busy = (machine1.busy - machine0.busy) / (machine1.total - machine0.total);
  log(
    `  ${label}: ${fmt(events / secs)} events/s; this process ${(((cpu.user + cpu.system) / 1e6 / secs) * 100).toFixed(0)}% CPU, machine ${(busy * 100).toFixed(0)}% busy (${cpus().length} cores, all processes), ${commits} commits of ${(events / Math.max(1, commits)).toFixed(1)} events; CPU per event: this process ${fmt((cpu.user + cpu.system) / events)} us, PostgreSQL ${fmt((pgSecs * 1e6) / events)} us`,
  );
  return events / secs;
}

/** Busy and total jiffies of the whole machine (all cores, every process), from /proc/stat. */
function machineCpu(): { busy: number; total: number } {
  try {
    const f = (readFileSync('/proc/stat', 'latin1').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const total = f.reduce((x, y) => x + y, 0);
    return { busy: total - (f[3] ?? 0) - (f[4] ?? 0), total };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}
let batches = 0;

/**
 * CPU seconds used so far by the embedded PostgreSQL: the postmaster and its children (the
 * backends, WAL writer, checkpointer...), from /proc (NaN where /proc is not available).
 */
function postgresCpuSecs(): number {
  try {
    const postmaster = Number(readFileSync(join(dir, 'pg', 'postmaster.pid'), 'latin1').split('\n')[0]);
    let ticks = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      } catch {
        continue; // exited meanwhile
      }
      // Fields after the command name (which may hold spaces): state ppid ... utime(14) stime(15).
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(entry) === postmaster || Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
    }
    return ticks / 100; // USER_HZ
  } catch {
    return Number.NaN;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'qledger-bench-'));
log(
  `bench:append: ${WRITERS} writers, ${STREAMS} streams, ${fmt(EVENTS_PER_ROUND)} events x ${ROUNDS} rounds; ${cpus().length} cores; data in ${dir}`,
);
const db = await startEmbeddedPostgres({ dataDir: dir, log });
const pool = new pg.Pool({ connectionString: db.connectionString, max: 10 });
pool.on('error', () => undefined); // an idle client may see the server stop at the very end
{
  // Count the store's group commits (diagnostics: events per commit).
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    if ((args[0] as { name?: string } | undefined)?.name === 'ql-append-batch') batches++;
    return query(...args);
  };
}
try {
  const openStore = (maxInFlight: number): Promise<PostgresEventStore> =>
    PostgresEventStore.open({
      pool,
      connectionString: db.connectionString,
      categories: new Set(STREAM_CATEGORIES),
      maxEventBytes: 1 << 20,
      maxInFlight,
    });
  const store = await openStore(2);
  const keystore = (p: SignPool | undefined): LocalKeystore =>
    new LocalKeystore({ dir: join(dir, 'keys'), passphrase: 'benchmark passphrase', allowInsecure: false, ...(p ? { signPool: p } : {}) });
  const keyRing = new KeyRingService(store, keystore(undefined));
  const bootId = newId();
  await keyRing.ensureGenesis(() => 'bench.quality-ledger.local/ledger', {
    commandId: bootId,
    occurredAt: new Date().toISOString(),
    actor: { id: 'operator:bench', kind: 'user' },
    correlationId: bootId,
    causationId: bootId,
  });
  // BENCH_VARIANTS: configurations compared in the same rounds, `<sign threads>:<batches in
  // flight>` each (0 sign threads: the writer's thread signs). The first one is the headline
  // figure; the default is the service's configuration alone.
  const variants: { label: string; writer: LedgerWriter; streams: string[]; rates: number[]; close: () => Promise<void> }[] = [];
  for (const [n, spec] of (process.env['BENCH_VARIANTS'] ?? '0:2').split(',').entries()) {
    const [threads, inFlight] = spec.split(':').map(Number) as [number, number];
    const signPool = threads > 0 ? new SignPool(threads) : undefined;
    const vStore = n === 0 && inFlight === 2 ? store : await openStore(inFlight);
    variants.push({
      label: `${threads > 0 ? `sign pool of ${threads}` : 'local signer'}, ${inFlight} in flight`,
      writer: new LedgerWriter(vStore, new KeyRingService(vStore, keystore(signPool))),
      // Each variant writes its own streams (a writer caches the streams it writes).
      streams: Array.from({ length: STREAMS }, (_, i) => `run-bench${n}-${i}`),
      rates: [],
      close: async () => {
        if (vStore !== store) await vStore.close();
        await signPool?.close();
      },
    });
  }
  const sample = (await store.readAll({ maxCount: 1 }))[0]?.data ?? '{}';

  // Warm-up, not counted: the first commands load every stream and the signing key, and the
  // JIT has not compiled the hot path yet. The figures below are the steady state.
  for (const v of variants) await ledgerRound(`warm-up, not counted, ${v.label}`, v.writer, v.streams, 99, WARMUP_EVENTS);

  const signs: number[] = [];
  const inserts: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    signs.push(signCeiling());
    inserts.push(await insertCeiling(pool, sample.padEnd(600, ' '), r));
    // Alternate the order of the variants from round to round.
    for (const v of r % 2 === 0 ? variants : [...variants].reverse()) {
      const stopProfile = PROFILE ? await startProfile() : undefined;
      v.rates.push(await ledgerRound(v.label, v.writer, v.streams, r));
      if (stopProfile) await stopProfile(`${PROFILE}.${r + 1}.${v.label.replace(/\W+/g, '-')}.cpuprofile`);
    }
    log(
      `round ${r + 1}/${ROUNDS}: ${variants.map((v) => `${v.label} ${fmt(v.rates[r] as number)}`).join(', ')} events/s | ceilings: ${fmt(signs[r] as number)} signs/s, ${fmt(inserts[r] as number)} rows/s | load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  }
  const ledger = (variants[0] as (typeof variants)[number]).rates;
  const head = await store.headPosition();
  await store.close();

  const result = {
    benchmark: 'append',
    writers: WRITERS,
    streams: STREAMS,
    eventsPerRound: EVENTS_PER_ROUND,
    rounds: ROUNDS,
    cores: cpus().length,
    ledgerEventsPerSec: Math.round(median(ledger)),
    ceilingEd25519SignsPerSec: Math.round(median(signs)),
    ceilingBatchedInsertRowsPerSec: Math.round(median(inserts)),
    ratioToInsertCeiling: Number((median(ledger) / median(inserts)).toFixed(3)),
    ratioToSignCeiling: Number((median(ledger) / median(signs)).toFixed(3)),
    target: 5000,
    warmupEvents: WARMUP_EVENTS,
    eventsInLog: head,
    variants: Object.fromEntries(variants.map((v) => [v.label, { median: Math.round(median(v.rates)), rounds: v.rates.map(Math.round) }])),
    loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  };
  for (const v of variants) await v.close();
  console.log('');
  console.log(
    `signed, chained, durably committed events/s (median): ${fmt(result.ledgerEventsPerSec)}   target >= 5,000: ${result.ledgerEventsPerSec >= 5000 ? 'met' : 'NOT met'}`,
  );
  console.log(
    `ceiling: node:crypto Ed25519 signs/s (1 core):        ${fmt(result.ceilingEd25519SignsPerSec)}   ratio ${result.ratioToSignCeiling}`,
  );
  console.log(
    `ceiling: batched PostgreSQL inserts rows/s:           ${fmt(result.ceilingBatchedInsertRowsPerSec)}   ratio ${result.ratioToInsertCeiling}`,
  );
  console.log(JSON.stringify(result));
} finally {
  await pool.end();
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
}
