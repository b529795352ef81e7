import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface Config {
  /** Where the embedded PostgreSQL, the key store and run files live. */
  readonly dataDir: string;
  /** External PostgreSQL; when absent, the embedded PostgreSQL is used. */
  readonly pgUrl: string | undefined;
  readonly pgPoolSize: number;
  /** Fixed port for the embedded PostgreSQL (a free one when absent). */
  readonly embeddedPgPort: number | undefined;
  readonly host: string;
  readonly port: number;
  /** The ledger's origin (C2SP checkpoint origin); chosen at init when absent. */
  readonly origin: string | undefined;
  readonly keyPassphrase: string | undefined;
  readonly devInsecureKeys: boolean;
  readonly maxEventBytes: number;
  /** How often the process manager looks for checks that never reported. */
  readonly processSweepMs: number;
  /** Largest evidence blob accepted by `PUT /evidence/{sha256}`. */
  readonly evidenceMaxBytes: number;
  readonly logLevel: LogLevel;
  /** The sealer emits a checkpoint once this many leaves are not yet covered... */
  readonly checkpointEveryEvents: number;
  /** ...or when the oldest uncovered leaf has waited this long (ms). */
  readonly checkpointIntervalMs: number;
  /** How long the sealer's lease lasts without renewal (ms); a standby takes over after it. */
  readonly sealerLeaseMs: number;
  /** How often an open GraphQL WebSocket's credentials are checked again (revoked API key: closed within this time). */
  readonly wsAuthRecheckMs: number;
}

/** One wrong setting: its name, what is expected, what was given. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly expected: string,
    readonly got: string | undefined,
  ) {
    super(`invalid configuration: ${variable} must be ${expected}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`);
    this.name = 'ConfigError';
  }
}

type Source = Readonly<Record<string, string | undefined>>;

const KNOWN = [
  'QLEDGER_CONFIG',
  'QLEDGER_DATA_DIR',
  'QLEDGER_PG_URL',
  'QLEDGER_PG_POOL_SIZE',
  'QLEDGER_EMBEDDED_PG_PORT',
  'QLEDGER_HOST',
  'PORT',
  'QLEDGER_ORIGIN',
  'QLEDGER_KEY_PASSPHRASE',
  'QLEDGER_KEY_PASSPHRASE_FILE',
  'QLEDGER_DEV_INSECURE_KEYS',
  'QLEDGER_MAX_EVENT_BYTES',
  'QLEDGER_EVIDENCE_MAX_BYTES',
  'QLEDGER_PROCESS_SWEEP_MS',
  'QLEDGER_LOG_LEVEL',
  'QLEDGER_CHECKPOINT_EVERY_EVENTS',
  'QLEDGER_CHECKPOINT_INTERVAL_MS',
  'QLEDGER_SEALER_LEASE_MS',
  'QLEDGER_WS_AUTH_RECHECK_MS',
] as const;

/**
 * Reads the configuration from the environment, over an optional JSON config file
 * (`QLEDGER_CONFIG`, whose keys are the same variable names). The first wrong value
 * throws a ConfigError naming the variable and what is expected.
 */
export function loadConfig(env: Source = process.env, overrides: Partial<Config> = {}): Config {
  const src: Source = { ...readConfigFile(env['QLEDGER_CONFIG']), ...pickKnown(env) };
  const dataDir = resolve(src['QLEDGER_DATA_DIR'] ?? '.qledger');
  const passFile = src['QLEDGER_KEY_PASSPHRASE_FILE'];
  let keyPassphrase = src['QLEDGER_KEY_PASSPHRASE'];
  if (keyPassphrase !== undefined && passFile !== undefined) {
    throw new ConfigError('QLEDGER_KEY_PASSPHRASE_FILE', 'unset when QLEDGER_KEY_PASSPHRASE is set (give one of the two)', passFile);
  }
  if (passFile !== undefined) {
    try {
      keyPassphrase = readFileSync(passFile, 'utf8').replace(/\r?\n$/, '');
    } catch {
      throw new ConfigError('QLEDGER_KEY_PASSPHRASE_FILE', 'the path of a readable file holding the key passphrase', passFile);
    }
  }
  if (keyPassphrase !== undefined && keyPassphrase.length < 12) {
    throw new ConfigError(
      passFile ? 'QLEDGER_KEY_PASSPHRASE_FILE' : 'QLEDGER_KEY_PASSPHRASE',
      'a passphrase of at least 12 characters',
      undefined,
    );
  }
  const pgUrl = src['QLEDGER_PG_URL'];
  if (pgUrl !== undefined && !/^postgres(ql)?:\/\/.+/.test(pgUrl)) {
    throw new ConfigError('QLEDGER_PG_URL', 'a PostgreSQL URL like postgresql://user:password@host:5432/db', redactUrl(pgUrl));
  }
  const origin = src['QLEDGER_ORIGIN'];
  // No "+": the origin is also the checkpoints' signed-note key name (C2SP), where "+" is reserved.
  if (origin !== undefined && !/^[\x21-\x2a\x2c-\x7e]{1,200}$/.test(origin)) {
    throw new ConfigError(
      'QLEDGER_ORIGIN',
      'a non-empty origin of printable ASCII without spaces or "+", e.g. ledger.example.com/quality',
      origin,
    );
  }
  return {
    dataDir,
    pgUrl,
    pgPoolSize: int(src, 'QLEDGER_PG_POOL_SIZE', 10, 1, 200),
    embeddedPgPort: optionalInt(src, 'QLEDGER_EMBEDDED_PG_PORT', 1, 65535),
    host: src['QLEDGER_HOST'] ?? '127.0.0.1',
    port: int(src, 'PORT', 4000, 0, 65535),
    origin,
    keyPassphrase,
    devInsecureKeys: bool(src, 'QLEDGER_DEV_INSECURE_KEYS', false),
    maxEventBytes: int(src, 'QLEDGER_MAX_EVENT_BYTES', 1024 * 1024, 1024, 16 * 1024 * 1024),
    processSweepMs: int(src, 'QLEDGER_PROCESS_SWEEP_MS', 5000, 100, 3_600_000),
    evidenceMaxBytes: int(src, 'QLEDGER_EVIDENCE_MAX_BYTES', 256 * 1024 * 1024, 1, 64 * 1024 * 1024 * 1024),
    logLevel: oneOf(src, 'QLEDGER_LOG_LEVEL', ['error', 'warn', 'info', 'debug'] as const, 'info'),
    checkpointEveryEvents: int(src, 'QLEDGER_CHECKPOINT_EVERY_EVENTS', 1000, 1, 10_000_000),
    checkpointIntervalMs: int(src, 'QLEDGER_CHECKPOINT_INTERVAL_MS', 10_000, 50, 86_400_000),
    sealerLeaseMs: int(src, 'QLEDGER_SEALER_LEASE_MS', 15_000, 300, 600_000),
    wsAuthRecheckMs: int(src, 'QLEDGER_WS_AUTH_RECHECK_MS', 10_000, 100, 3_600_000),
    ...overrides,
  };
}

function pickKnown(env: Source): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of KNOWN) {
    const v = env[k];
    if (v !== undefined && v !== '') out[k] = v;
  }
  return out;
}

function readConfigFile(path: string | undefined): Record<string, string> {
  if (path === undefined || path === '') return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'an existing file' : 'a JSON object file';
    throw new ConfigError('QLEDGER_CONFIG', `the path of ${why} with the settings as "NAME": "value"`, path);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError('QLEDGER_CONFIG', 'a JSON object of "NAME": "value" settings', path);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!(KNOWN as readonly string[]).includes(k) || k === 'QLEDGER_CONFIG') {
      throw new ConfigError(`${k} (in ${path})`, `one of ${KNOWN.filter((n) => n !== 'QLEDGER_CONFIG').join(', ')}`, undefined);
    }
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new ConfigError(`${k} (in ${path})`, 'a string, number or boolean', JSON.stringify(v));
    }
    out[k] = String(v);
  }
  return out;
}

function int(src: Source, name: string, fallback: number, min: number, max: number): number {
  return optionalInt(src, name, min, max) ?? fallback;
}

function optionalInt(src: Source, name: string, min: number, max: number): number | undefined {
  const raw = src[name];
  if (raw === undefined) return undefined;
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(name, `an integer from ${min} to ${max}`, raw);
  }
  return n;
}

function bool(src: Source, name: string, fallback: boolean): boolean {
  const raw = src[name];
  if (raw === undefined) return fallback;
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(name, 'one of true, false, 1, 0', raw);
}

function oneOf<T extends string>(src: Source, name: string, values: readonly T[], fallback: T): T {
  const raw = src[name];
  if (raw === undefined) return fallback;
  if ((values as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigError(name, `one of ${values.join(', ')}`, raw);
}

/** Never print a password, also not in an error line. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}
