// npm run bench:verify — offline verification throughput of a full export with the
// ledger-verify bin (a child process, as an auditor runs it), next to the raw ceiling measured
// in the same run: node:crypto Ed25519 verifications/s on every core at once. Targets: >= 75 %
// of that ceiling, peak RSS <= 256 MB.
//
// The export (BENCH_EVENTS events, default 1,000,000; several streams, key rotations, a
// checkpoint every 10,000 leaves) is generated once with ledger-verify's own signing functions
// and cached in the temp directory. Each figure is the median of BENCH_ROUNDS rounds.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  CHECKPOINT_EVENT_TYPE,
  CHECKPOINT_STREAM,
  CompactTree,
  checkpointEventData,
  ed25519,
  formatCheckpoint,
  formatCheckpointLine,
  formatEventLine,
  formatManifest,
  genesisData,
  KEY_EVENT_TYPES,
  KEY_STREAM,
  kidOf,
  leafHash,
  rotationData,
  signEvent,
  signNote,
  type EventEnvelope,
  type ExportManifest,
  type UnsealedEnvelope,
} from 'ledger-verify';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 1_000_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const STREAMS = 1000;
const CHECKPOINT_EVERY = 10_000;
const ROTATE_EVERY = 250_000;
const ORIGIN = 'bench.example.org/ledger';
const GEN_VERSION = 1;

const log = (l: string): void => void process.stderr.write(`${l}\n`);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function seed(i: number): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`bench-key-${i}`).digest());
}

function uuid7(n: number, ms: number): string {
  const t = ms.toString(16).padStart(12, '0');
  const c = n.toString(16).padStart(15, '0');
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${c.slice(0, 3)}-8${c.slice(3, 6)}-${c.slice(6, 15).padStart(12, '0')}`;
}

class Writer {
  private readonly out;
  private readonly hash = createHash('sha256');
  private buf: string[] = [];
  bytes = 0;
  lines = 0;

  constructor(path: string) {
    this.out = createWriteStream(path);
  }

  async line(text: string): Promise<void> {
    this.buf.push(text, '\n');
    this.lines++;
    if (this.buf.length >= 2048) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buf.length === 0) return;
    const chunk = this.buf.join('');
    this.buf = [];
    this.hash.update(chunk);
    this.bytes += Buffer.byteLength(chunk);
    if (!this.out.write(chunk)) await new Promise<void>((r) => this.out.once('drain', () => r()));
  }

  async close(): Promise<{ sha256: string; bytes: number }> {
    await this.flush();
    await new Promise<void>((r, j) => this.out.end((e?: Error | null) => (e ? j(e) : r())));
    return { sha256: this.hash.digest('hex'), bytes: this.bytes };
  }
}

/** Generates the export into `dir` (atomically: a temp directory renamed at the end). */
async function generate(dir: string): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const events = new Writer(join(tmp, 'events.ndjson'));
  const checkpoints = new Writer(join(tmp, 'checkpoints.ndjson'));
  const heads = new Map<string, { revision: number; hash: string }>();
  const tree = new CompactTree();
  const t0 = Date.parse('2026-01-01T00:00:00.000Z');
  let position = 0;
  let keyIndex = 0;
  let key = { secretKey: seed(0), publicKey: ed25519.getPublicKey(seed(0)) };
  const trustRoot = kidOf(key.publicKey);
  let last: ExportManifest['lastCheckpoint'] = null;
  const started = Date.now();

  const append = async (stream: string, type: string, data: object): Promise<EventEnvelope> => {
    const head = heads.get(stream);
    const unsealed: UnsealedEnvelope = {
      id: uuid7(position, t0 + position),
      origin: ORIGIN,
      stream,
      revision: head ? head.revision + 1 : 0,
      type,
      schema: 1,
      occurredAt: new Date(t0 + position).toISOString(),
      actor: { id: 'svc:bench', kind: 'service' },
      meta: { correlationId: `corr-${position}`, causationId: `cause-${position}`, commandId: `cmd-${position}` },
      data,
      prev: head ? head.hash : null,
    };
    const e = signEvent(unsealed, key);
    heads.set(stream, { revision: e.revision, hash: e.hash });
    if (stream === CHECKPOINT_STREAM) {
      await checkpoints.line(formatCheckpointLine(position, e));
    } else {
      await events.line(formatEventLine(tree.size, position, e));
      tree.append(leafHash(e.hash));
    }
    position++;
    return e;
  };

  await append(KEY_STREAM, KEY_EVENT_TYPES.genesis, genesisData(key.publicKey));
  while (tree.size < EVENTS) {
    if (tree.size % ROTATE_EVERY === 0 && tree.size > 0) {
      const next = { secretKey: seed(++keyIndex), publicKey: ed25519.getPublicKey(seed(keyIndex)) };
      await append(KEY_STREAM, KEY_EVENT_TYPES.rotated, rotationData({ origin: ORIGIN, previousKid: kidOf(key.publicKey), newKey: next }));
      key = next;
    } else {
      const n = tree.size;
      await append(`run-${(n % STREAMS).toString(36).padStart(3, '0')}`, 'CheckRecorded', {
        check: `check-${n % 17}`,
        value: (n % 1000) / 1000,
        threshold: 0.95,
        passed: n % 5 !== 0,
        dataset: `ds-${n % 97}`,
      });
    }
    if (tree.size % CHECKPOINT_EVERY === 0) {
      const root = tree.root();
      const note = signNote(formatCheckpoint({ origin: ORIGIN, size: tree.size, rootHash: root }), { name: ORIGIN, ...key });
      const cp = await append(CHECKPOINT_STREAM, CHECKPOINT_EVENT_TYPE, checkpointEventData(tree.size, root, note));
      last = { size: tree.size, rootHash: Buffer.from(root).toString('base64'), eventId: cp.id };
    }
    if (tree.size % 100_000 === 0) log(`  generated ${fmt(tree.size)} events (${fmt(tree.size / ((Date.now() - started) / 1000))}/s)`);
  }
  const manifest: ExportManifest = {
    format: 'qledger-export/1',
    origin: ORIGIN,
    trustRoot,
    exportedAt: '2026-02-01T00:00:00.000Z',
    counts: { events: events.lines, checkpoints: checkpoints.lines },
    head: { position },
    lastCheckpoint: last,
    files: { 'events.ndjson': await events.close(), 'checkpoints.ndjson': await checkpoints.close() },
  };
  writeFileSync(join(tmp, 'manifest.json'), formatManifest(manifest));
  writeFileSync(join(tmp, 'trust-root'), trustRoot);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

/** Raw node:crypto Ed25519 verifications/s, one worker thread per core, all at once. */
async function verifyCeiling(threads: number, ms = 2000): Promise<{ total: number; perThread: number[]; perCpuSecond: number }> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const msg = Buffer.alloc(53, 7);
  const sig = sign(null, msg, privateKey);
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { createPublicKey, verify } = require('node:crypto');
    const key = createPublicKey({ key: Buffer.from(workerData.spki), format: 'der', type: 'spki' });
    const msg = Buffer.from(workerData.msg), sig = Buffer.from(workerData.sig);
    for (let i = 0; i < 200; i++) verify(null, msg, key, sig);
    const end = Date.now() + workerData.ms; let n = 0, t0 = process.hrtime.bigint();
    while (Date.now() < end) { for (let i = 0; i < 100; i++) verify(null, msg, key, sig); n += 100; }
    parentPort.postMessage([n, n / (Number(process.hrtime.bigint() - t0) / 1e9)]);`;
  void createPublicKey;
  void verify;
  const cpu0 = process.cpuUsage();
  const results = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<[number, number]>((resolve, reject) => {
          const w = new Worker(code, { eval: true, workerData: { spki, msg, sig, ms } });
          w.once('message', (r: [number, number]) => resolve(r));
          w.once('error', reject);
        }),
    ),
  );
  // CPU time of this process (all threads; this one only waits): warm-up and start-up
  // included, which slightly understates the CPU-time ceiling.
  const cpu = process.cpuUsage(cpu0);
  const rates = results.map((r) => r[1]);
  const count = results.reduce((a, r) => a + r[0], 0);
  return { total: rates.reduce((a, b) => a + b, 0), perThread: rates, perCpuSecond: count / ((cpu.user + cpu.system) / 1e6) };
}

/** Runs the bin; returns wall seconds, exit status and peak RSS (KiB) via GNU time when available. */
function runBin(
  bin: string,
  dir: string,
  trustRoot: string,
): Promise<{ seconds: number; status: number | null; maxRssKiB: number | null; cpuSeconds: number | null; out: string }> {
  const gnuTime = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%M', 'true']).status === 0;
  const args = [bin, dir, '--trust-root', trustRoot, '--json'];
  const cmd = gnuTime ? '/usr/bin/time' : process.execPath;
  const argv = gnuTime ? ['-f', 'MAXRSS %M CPU %U %S', process.execPath, ...args] : args;
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const m = /MAXRSS (\d+) CPU ([\d.]+) ([\d.]+)/.exec(err);
      resolve({ seconds, status, maxRssKiB: m ? Number(m[1]) : null, cpuSeconds: m ? Number(m[2]) + Number(m[3]) : null, out });
    });
  });
}

async function main(): Promise<void> {
  const cores = availableParallelism();
  const dir = join(tmpdir(), `qledger-bench-verify-${EVENTS}-v${GEN_VERSION}`);
  if (!existsSync(join(dir, 'manifest.json'))) {
    log(`generating a ${fmt(EVENTS)}-event export in ${dir} (cached for later runs)`);
    await generate(dir);
  } else {
    log(`using the cached export ${dir}`);
  }
  const trustRoot = readFileSync(join(dir, 'trust-root'), 'utf8');
  const bin = fileURLToPath(import.meta.resolve('ledger-verify').replace(/index\.js$/, 'cli.js'));
  const rates: number[] = [];
  const ceilings: number[] = [];
  const singles: number[] = [];
  const rss: number[] = [];
  const cpuRatios: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const ceiling = await verifyCeiling(cores);
    const single = (await verifyCeiling(1, 1000)).total;
    const r = await runBin(bin, dir, trustRoot);
    if (r.status !== 0) throw new Error(`ledger-verify exited with ${r.status}: ${r.out.slice(0, 500)}`);
    const report = JSON.parse(r.out) as { ok: boolean; events: number };
    if (!report.ok || report.events !== EVENTS) throw new Error('the generated export did not verify');
    const rate = EVENTS / r.seconds;
    rates.push(rate);
    ceilings.push(ceiling.total);
    singles.push(single);
    if (r.maxRssKiB !== null) rss.push(r.maxRssKiB / 1024);
    // CPU-time ratio: events per CPU second of the bin over raw verifications per CPU second.
    const cpuRatio = r.cpuSeconds ? (100 * EVENTS) / r.cpuSeconds / ceiling.perCpuSecond : null;
    if (cpuRatio !== null) cpuRatios.push(cpuRatio);
    log(
      `round ${round}: ${fmt(rate)} events/s verified in ${r.seconds.toFixed(1)} s; ceiling ${fmt(ceiling.total)} verifications/s on ${cores} cores ` +
        `(${fmt(single)}/s on one); wall ratio ${((100 * rate) / ceiling.total).toFixed(1)} %; ` +
        `CPU ${r.cpuSeconds === null ? 'n/a' : `${r.cpuSeconds.toFixed(1)} s, ${fmt((1e6 * r.cpuSeconds) / EVENTS)} us/event vs ${fmt(1e6 / ceiling.perCpuSecond)} us/verify`}, ` +
        `CPU-time ratio ${cpuRatio === null ? 'n/a' : `${cpuRatio.toFixed(1)} %`}; peak RSS ${r.maxRssKiB === null ? 'n/a' : `${(r.maxRssKiB / 1024).toFixed(0)} MB`}`,
    );
  }
  const rate = median(rates);
  const ceiling = median(ceilings);
  const lines = [
    `bench:verify  ${fmt(EVENTS)} events, ${cores} cores, median of ${ROUNDS} rounds`,
    `  verified           ${fmt(rate)} events/s (ledger-verify bin on the export directory)`,
    `  raw Ed25519 verify ${fmt(ceiling)} verifications/s on ${cores} cores at once (${fmt(median(singles))}/s on one core x ${cores} = ${fmt(median(singles) * cores)})`,
    `  ratio              ${((100 * rate) / ceiling).toFixed(1)} % of the ceiling, wall clock (target >= 75 %)`,
    `  CPU-time ratio     ${cpuRatios.length ? `${median(cpuRatios).toFixed(1)} % (events per CPU second / raw verifications per CPU second)` : 'n/a (no GNU time)'}`,
    `  peak RSS           ${rss.length ? `${Math.max(...rss).toFixed(0)} MB (max over rounds; target <= 256 MB)` : 'n/a (no GNU time)'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((e: unknown) => {
  log(`bench:verify failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
