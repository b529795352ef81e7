import { Lease } from '../../ledger/sealer/lease.js';
import { SEALER_LEASE } from '../../ledger/sealer/sealer.js';
import { COMMON_HELP, COMMON_OPTIONS, parse } from '../args.js';
import { configFrom, withLedger, type Output } from '../context.js';

const HELP = `Usage: qledger status [options]

Prints the ledger's database, origin, trust root, active signing key, key protection and the
number of events in the global log.

${COMMON_HELP}`;

export async function statusCommand(argv: readonly string[], io: Output): Promise<number> {
  const args = parse(argv, COMMON_OPTIONS, 'qledger status [--data-dir DIR]');
  if (args.values['help']) return (io.out(HELP), 0);
  const config = configFrom(args);
  return withLedger(
    config,
    io,
    async (ledger) => {
      const initialized = ledger.keyRing.trustRoot !== undefined;
      io.out(`data dir:      ${config.dataDir}`);
      io.out(`database:      ${ledger.database}`);
      io.out(`events:        ${await ledger.store.headPosition()}`);
      if (!initialized) {
        io.out('initialized:   no (run qledger init)');
        return 0;
      }
      io.out(`origin:        ${ledger.keyRing.origin}`);
      io.out(`trust root:    ${ledger.keyRing.trustRoot}`);
      io.out(`active key:    ${ledger.keyRing.activeKid}`);
      io.out(`keys:          ${ledger.keyRing.list().length}`);
      const protection = await ledger.keystore.protectionOf(ledger.keyRing.activeKid as string);
      const shown = {
        encrypted: 'encrypted (scrypt + AES-256-GCM)',
        unencrypted: 'UNENCRYPTED (development mode)',
        missing: 'MISSING from the key store: restore it, or rotate',
      };
      io.out(`key storage:   ${shown[protection]}`);
      const cps = await ledger.store.streamRevision('ledger-checkpoints');
      const last = cps < 0 ? undefined : await ledger.proofs.checkpoint();
      io.out(`checkpoints:   ${cps + 1}${last ? ` (latest: size ${last.size}, ${last.sealedAt})` : ''}`);
      const sealer = await Lease.current(ledger.pool, SEALER_LEASE);
      io.out(`sealer:        ${sealer ? `active in ${sealer.holder}` : 'not running'}`);
      return 0;
    },
    { signs: false },
  );
}
