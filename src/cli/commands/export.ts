import { LedgerError } from '../../domain/errors.js';
import { refuseExisting } from '../../export/atomic.js';
import { exportTarget, writeExport } from '../../export/export-writer.js';
import { COMMON_HELP, COMMON_OPTIONS, parse } from '../args.js';
import { UsageError } from '../cli-error.js';
import { configFrom, withLedger, type Output } from '../context.js';
import { requireInitialized, sealNow } from './checkpoint.js';

const HELP = `Usage: qledger export --out DIR [--tar] [--no-seal] [options]

Writes the full export of the ledger (docs/ledger-format.md, "Full export"): manifest.json,
events.ndjson and checkpoints.ndjson, for offline verification with ledger-verify. The log is
read page by page (constant memory) into a temporary directory next to DIR, fsynced, then
renamed into place: DIR must not exist.

First it seals a checkpoint at the head, so that the export's tail is covered (a deleted tail
is then detectable). It skips that, with a warning, when the service's sealer is running (its
next checkpoint covers the tail) or no signing key can be used.

Options:
  --out DIR               where to write the export (must not exist)
  --tar                   write DIR.tar.gz instead: a deterministic ustar archive, gzipped
  --no-seal               do not seal a checkpoint first
${COMMON_HELP}`;

const OPTIONS = { ...COMMON_OPTIONS, out: { type: 'string' }, tar: { type: 'boolean' }, 'no-seal': { type: 'boolean' } } as const;
/** Failures of the optional first seal that only mean "not possible here". */
const CANNOT_SEAL = new Set(['SEALER_BUSY', 'NO_KEY_PASSPHRASE', 'KEY_ENCRYPTED']);

export async function exportCommand(argv: readonly string[], io: Output, tty: boolean = process.stderr.isTTY === true): Promise<number> {
  const args = parse(argv, OPTIONS, 'qledger export --out DIR [--tar] [--no-seal]');
  if (args.values['help']) return (io.out(HELP), 0);
  const out = args.values['out'];
  if (typeof out !== 'string' || out === '') throw new UsageError('qledger export needs --out DIR (a path that does not exist yet)');
  if (args.positionals.length > 0) throw new UsageError(`qledger export takes no arguments (got "${args.positionals[0]}"): use --out DIR`);
  const config = configFrom(args);
  await refuseExisting(exportTarget(out, args.values['tar'] === true)); // before starting anything
  return withLedger(
    config,
    io,
    async (ledger) => {
      requireInitialized(ledger);
      if (args.values['no-seal'] !== true) {
        try {
          const cp = await sealNow(ledger, config);
          if (cp) io.err(`sealed checkpoint ${cp.size} ${cp.root}`);
        } catch (e) {
          if (!(e instanceof LedgerError && CANNOT_SEAL.has(e.code))) throw e;
          io.err(`qledger: warning: no checkpoint sealed before the export (${e.message}) [${e.code}]`);
        }
      }
      let shown = 0;
      const result = await writeExport({
        store: ledger.store,
        origin: ledger.keyRing.origin,
        trustRoot: ledger.keyRing.trustRoot as string,
        out,
        tar: args.values['tar'] === true,
        onProgress: tty
          ? (done, total) => {
              if (done - shown >= 5000 || done === total) {
                shown = done;
                process.stderr.write(`\rexporting: ${done}/${total} positions`);
                if (done === total) process.stderr.write('\n');
              }
            }
          : undefined,
      });
      const m = result.manifest;
      const covered = m.lastCheckpoint ? `the last checkpoint covers ${m.lastCheckpoint.size} of them` : 'no checkpoint covers them';
      io.out(`exported ${m.counts.events} events and ${m.counts.checkpoints} checkpoints to ${result.path} (${covered})`);
      io.out(`verify offline: npx ledger-verify ${result.path} --trust-root ${m.trustRoot}`);
      return 0;
    },
    { signs: false },
  );
}
