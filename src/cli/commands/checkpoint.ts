import { sealOnce } from '../../ledger/sealer/sealer.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import type { Config } from '../../config/config.js';
import { COMMON_HELP, COMMON_OPTIONS, parse } from '../args.js';
import { UsageError } from '../cli-error.js';
import { configFrom, withLedger, type Output } from '../context.js';

const HELP = `Usage: qledger checkpoint [options]

Seals a signed checkpoint of the global Merkle log now, covering every event so far, after
checking it against the previous checkpoint (consistency proof). Prints its size and root, or
that the latest checkpoint already covers the log. Fails with SEALER_BUSY while a running
service holds the sealer lease (it seals on its own: QLEDGER_CHECKPOINT_EVERY_EVENTS,
QLEDGER_CHECKPOINT_INTERVAL_MS).

${COMMON_HELP}`;

export async function checkpointCommand(argv: readonly string[], io: Output): Promise<number> {
  const args = parse(argv, COMMON_OPTIONS, 'qledger checkpoint [--data-dir DIR]');
  if (args.values['help']) return (io.out(HELP), 0);
  if (args.positionals.length > 0) throw new UsageError(`qledger checkpoint takes no arguments (got "${args.positionals[0]}")`);
  const config = configFrom(args);
  return withLedger(config, io, async (ledger) => {
    requireInitialized(ledger);
    const cp = await sealNow(ledger, config);
    if (cp) io.out(`checkpoint: size ${cp.size} root ${cp.root} (event ${cp.eventId})`);
    else io.out('nothing to seal: the latest checkpoint covers the whole log');
    return 0;
  });
}

export function requireInitialized(ledger: Ledger): void {
  if (ledger.keyRing.trustRoot === undefined) throw new UsageError('the ledger is not initialized: run qledger init first');
}

export function sealNow(ledger: Ledger, config: Config): ReturnType<typeof sealOnce> {
  return sealOnce({ store: ledger.store, pool: ledger.pool, signing: ledger.keyRing, leaseMs: config.sealerLeaseMs });
}
