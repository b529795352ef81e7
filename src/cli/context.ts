import { createHash } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { loadConfig, type Config } from '../config/config.js';
import type { CommandMetadata } from '../domain/decider.js';
import { newId } from '../ledger/ids.js';
import { openLedger, type Ledger } from '../ledger/open-ledger.js';
import type { Parsed } from './args.js';

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

export const stdio: Output = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
};

export function configFrom(args: Parsed, extra: Partial<Config> = {}): Config {
  const overrides: Partial<Config> = { ...extra };
  if (args.values['dev-insecure-keys'] === true) Object.assign(overrides, { devInsecureKeys: true });
  const env = { ...process.env };
  if (typeof args.values['data-dir'] === 'string') env['QLEDGER_DATA_DIR'] = args.values['data-dir'];
  return loadConfig(env, overrides);
}

/** Opens the ledger, runs `fn`, and always closes it (the embedded PostgreSQL stops). */
export async function withLedger<T>(config: Config, io: Output, fn: (ledger: Ledger) => Promise<T>, options = { signs: true }): Promise<T> {
  const ledger = await openLedger(config, (l) => io.err(l), options);
  try {
    if (ledger.insecureKeys) io.err(DEV_KEYS_WARNING);
    return await fn(ledger);
  } finally {
    await ledger.close();
  }
}

export const DEV_KEYS_WARNING =
  'WARNING: development key mode: signing keys are stored UNENCRYPTED; set QLEDGER_KEY_PASSPHRASE or QLEDGER_KEY_PASSPHRASE_FILE for any real use';

/**
 * Metadata of a command typed by an operator. The actor is pseudonymous: a digest of the
 * OS account and host, or QLEDGER_ACTOR when set (a pseudonymous id, never a name).
 */
export function operatorMetadata(now: Date = new Date()): CommandMetadata {
  const commandId = newId(now.getTime());
  const actorId =
    process.env['QLEDGER_ACTOR'] ??
    `operator:${createHash('sha256').update(`${userInfo().username}@${hostname()}`).digest('hex').slice(0, 16)}`;
  return {
    commandId,
    occurredAt: now.toISOString(),
    actor: { id: actorId, kind: 'user' },
    correlationId: commandId,
    causationId: commandId,
  };
}
