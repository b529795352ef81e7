import { COMMON_HELP, COMMON_OPTIONS, parse } from '../args.js';
import { configFrom, operatorMetadata, withLedger, type Output } from '../context.js';

export const INIT_HELP = `Usage: qledger init [options]

Creates the data directory and the ledger's genesis signing key, and prints the trust root
(the genesis key id) to hand to auditors out of band. Running it again changes nothing and
prints the same trust root.

${COMMON_HELP}`;

export async function initCommand(argv: readonly string[], io: Output): Promise<number> {
  const args = parse(argv, COMMON_OPTIONS, 'qledger init [--data-dir DIR] [--dev-insecure-keys]');
  if (args.values['help']) return (io.out(INIT_HELP), 0);
  const config = configFrom(args);
  return withLedger(config, io, async (ledger) => {
    const { trustRoot, created } = await ledger.keyRing.ensureGenesis((kid) => config.origin ?? defaultOrigin(kid), operatorMetadata());
    io.out(created ? `initialized ledger in ${config.dataDir}` : `ledger already initialized in ${config.dataDir}: nothing changed`);
    io.out(`origin: ${ledger.keyRing.origin}`);
    io.out(`trust root: ${trustRoot}`);
    return 0;
  });
}

/** An origin unique to this ledger when none is configured (C2SP origins are schemaless URLs). */
export function defaultOrigin(kid: string): string {
  return `quality-ledger.local/${kid.slice(0, 16)}`;
}
