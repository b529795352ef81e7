import { InputError, isKid, verifyExport, type ExportReport } from 'ledger-verify';
import { liveExportSource } from '../../export/live-source.js';
import { COMMON_HELP, COMMON_OPTIONS, parse } from '../args.js';
import { UsageError } from '../cli-error.js';
import { configFrom, withLedger, type Output } from '../context.js';
import { requireInitialized } from './checkpoint.js';

const HELP = `Usage: qledger verify [--trust-root KID] [--json] [options]

Runs ledger-verify's full-export verification against the live store, up to its head at the
start (the lines an export taken now would hold): every hash, signature, key-chain rule, stream
chain, the Merkle tree against every signed checkpoint, and checkpoint consistency. Give
--trust-root (the kid you hold out of band) to check against it rather than against the store's
own genesis key.

Exit status: 0 everything verifies, 1 a verification failure, 2 usage error or unreadable data.

Options:
  --trust-root KID        expected genesis kid (default: the store's own, printed by qledger status)
  --json                  print the JSON report
${COMMON_HELP}`;

const OPTIONS = { ...COMMON_OPTIONS, 'trust-root': { type: 'string' }, json: { type: 'boolean' } } as const;
const SHOWN = 20;

export async function verifyCommand(argv: readonly string[], io: Output): Promise<number> {
  const args = parse(argv, OPTIONS, 'qledger verify [--trust-root KID] [--json]');
  if (args.values['help']) return (io.out(HELP), 0);
  if (args.positionals.length > 0) {
    throw new UsageError(`qledger verify takes no arguments (got "${args.positionals[0]}"); to verify an export run ledger-verify PATH`);
  }
  const given = args.values['trust-root'];
  if (given !== undefined && (typeof given !== 'string' || !isKid(given))) {
    throw new UsageError('--trust-root must be a kid: 32 lowercase hex characters');
  }
  const json = args.values['json'] === true;
  const config = configFrom(args);
  return withLedger(
    config,
    io,
    async (ledger) => {
      requireInitialized(ledger);
      const trustRoot = typeof given === 'string' ? given : (ledger.keyRing.trustRoot as string);
      const head = await ledger.store.headPosition();
      try {
        const report = await verifyExport(liveExportSource(ledger.store, head), { trustRoot, origin: ledger.keyRing.origin });
        io.out(json ? JSON.stringify({ head, ...report }, null, 2) : summary(report, head));
        return report.ok ? 0 : 1;
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        io.err(`qledger: the stored log cannot be read as the format: ${e.message} [${e.code}]`);
        return 2;
      }
    },
    { signs: false },
  );
}

function summary(r: ExportReport, head: number): string {
  const covered = r.verifiedCheckpoint
    ? `checkpoint ${r.verifiedCheckpoint.size} verified, ${r.uncoveredEvents} events after it not yet covered`
    : 'no checkpoint verified';
  const lines = [
    `${r.ok ? 'OK' : 'FAILED'}: live store up to position ${head}: ${r.events} events in ${r.streams} streams, ${r.checkpoints} checkpoints; ${covered}`,
    `root ${r.rootHash}, trust root ${r.trustRoot}, active key ${r.activeKid ?? '-'}`,
  ];
  for (const f of r.failures.slice(0, SHOWN)) {
    const at = [f.position !== null ? `position ${f.position}` : null, f.stream ? `${f.stream}@${f.revision ?? '?'}` : null, f.eventId]
      .filter((x) => x)
      .join(' ');
    lines.push(`  ${f.code}${at ? ` (${at})` : ''}: ${f.message}`);
  }
  if (r.failureCount > SHOWN) lines.push(`  ... and ${r.failureCount - SHOWN} more (--json for all kept)`);
  return lines.join('\n');
}
