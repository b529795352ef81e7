#!/usr/bin/env node
import 'reflect-metadata';
import { ConfigError } from '../config/config.js';
import { LedgerError } from '../domain/errors.js';
import { UsageError } from './cli-error.js';
import { initCommand } from './commands/init.js';
import { keysCommand } from './commands/keys.js';
import { serveCommand } from './commands/serve.js';
import { statusCommand } from './commands/status.js';
import { tokenCommand } from './commands/token.js';
import { apikeysCommand } from './commands/apikeys.js';
import { projectionsCommand } from './commands/projections.js';
import { blueprintsCommand } from './commands/blueprints.js';
import { stdio, type Output } from './context.js';

const HELP = `qledger: the Quality Ledger service and its operator commands

Usage: qledger <command> [options]

Commands:
  init       create the data directory and the genesis key; print the trust root
  serve      run the HTTP service (health probes at /health/live and /health/ready)
  keys       list, rotate or revoke the ledger's signing keys
  status     show the ledger's database, origin, trust root and size
  token      print a short-lived API token of the local issuer (embedded default)
  apikeys    create, list or revoke API keys for workers and services
  projections  show the read models' positions, or rebuild them from zero
  blueprints validate quality blueprints (YAML) or register them in the ledger

Run qledger <command> --help for a command's options.`;

const COMMANDS: Record<string, (argv: readonly string[], io: Output) => Promise<number>> = {
  init: initCommand,
  serve: serveCommand,
  keys: keysCommand,
  status: statusCommand,
  token: tokenCommand,
  apikeys: apikeysCommand,
  projections: projectionsCommand,
  blueprints: blueprintsCommand,
};

async function run(argv: readonly string[], io: Output = stdio): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command "${name}": use one of ${Object.keys(COMMANDS).join(', ')} (qledger --help)`);
    return await command(rest, io);
  } catch (e) {
    return report(e, io);
  }
}

/** Every failure is one line on stderr and an exit code: 2 for usage and configuration, 1 otherwise. */
function report(e: unknown, io: Output): number {
  if (e instanceof UsageError || e instanceof ConfigError) {
    io.err(`qledger: ${e.message}`);
    return 2;
  }
  if (e instanceof LedgerError) {
    io.err(`qledger: ${e.message} [${e.code}]`);
    return 1;
  }
  const message = e instanceof Error ? e.message : String(e);
  io.err(`qledger: unexpected error: ${message.split('\n')[0]} (set QLEDGER_LOG_LEVEL=debug for details)`);
  if (process.env['QLEDGER_LOG_LEVEL'] === 'debug' && e instanceof Error) io.err(e.stack ?? '');
  return 1;
}

// Exit explicitly: a dependency's exit hook would otherwise turn a drained event loop into exit 0.
process.exit(await run(process.argv.slice(2)));
