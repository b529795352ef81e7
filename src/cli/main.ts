#!/usr/bin/env node
import 'reflect-metadata';
import { ConfigError } from '../config/config.js';
import { LedgerError } from '../domain/errors.js';
import { UsageError } from './cli-error.js';
import { stdio, type Output } from './context.js';

const HELP = `qledger: the Quality Ledger service and its operator commands

Usage: qledger <command> [options]

Commands:
  init       create the data directory and the genesis key; print the trust root
  serve      run the HTTP service (health probes at /health/live and /health/ready)
  keys       list, rotate or revoke the ledger's signing keys
  status     show the ledger's database, origin, trust root and size
  blueprints validate quality blueprints (YAML) or register them in the ledger
  checkpoint seal a signed Merkle checkpoint of the log now
  export     write the full export (events, checkpoints, manifest) for offline verification
  proof      print inclusion and consistency proofs against checkpoints (JSON)
  verify     run the offline verifier's checks against the live store
  token      print a short-lived API token of the local issuer (embedded default)
  apikeys    create, list or revoke API keys for workers and services
  projections  show the read models' positions, or rebuild them from zero
  demo       write a realistic, reproducible workload and verify the ledger

Run qledger <command> --help for a command's options.`;

/** Each command's module loads only when it runs: `qledger --help` or `token` need not load NestJS, GraphQL and the rest. */
type Command = (argv: readonly string[], io: Output) => Promise<number>;
const COMMANDS: Record<string, () => Promise<Command>> = {
  init: async () => (await import('./commands/init.js')).initCommand,
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  keys: async () => (await import('./commands/keys.js')).keysCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  blueprints: async () => (await import('./commands/blueprints.js')).blueprintsCommand,
  checkpoint: async () => (await import('./commands/checkpoint.js')).checkpointCommand,
  export: async () => (await import('./commands/export.js')).exportCommand,
  proof: async () => (await import('./commands/proof.js')).proofCommand,
  verify: async () => (await import('./commands/verify.js')).verifyCommand,
  token: async () => (await import('./commands/token.js')).tokenCommand,
  apikeys: async () => (await import('./commands/apikeys.js')).apikeysCommand,
  projections: async () => (await import('./commands/projections.js')).projectionsCommand,
  demo: async () => (await import('./commands/demo.js')).demoCommand,
};

async function run(argv: readonly string[], io: Output = stdio): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP);
    return name === undefined ? 2 : 0;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  try {
    if (!load) throw new UsageError(`unknown command "${name}": use one of ${Object.keys(COMMANDS).join(', ')} (qledger --help)`);
    return await (
      await load()
    )(rest, io);
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
