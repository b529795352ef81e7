import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './cli-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

/** Strict flag parsing: an unknown flag or a missing value is a one-line usage error. */
export function parse(argv: readonly string[], options: Options, usage: string): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Parsed['values'], positionals };
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0]?.replace(/\. To specify a positional.*$/, '') ?? 'invalid arguments';
    throw new UsageError(`${msg} (usage: ${usage})`);
  }
}

export const COMMON_OPTIONS: Options = {
  'dev-insecure-keys': { type: 'boolean' },
  'data-dir': { type: 'string' },
};

export const COMMON_HELP = `Common options:
  --data-dir DIR          data directory (default ./.qledger, or QLEDGER_DATA_DIR)
  --dev-insecure-keys     development only: keep signing keys unencrypted when no passphrase is set
  -h, --help              show this help

Environment: QLEDGER_PG_URL (external PostgreSQL; embedded when unset), QLEDGER_KEY_PASSPHRASE or
QLEDGER_KEY_PASSPHRASE_FILE, QLEDGER_ORIGIN, PORT, QLEDGER_HOST, QLEDGER_CONFIG (JSON file of the same names).`;
