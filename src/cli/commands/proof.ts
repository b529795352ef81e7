import { COMMON_HELP, COMMON_OPTIONS, parse } from '../args.js';
import { UsageError } from '../cli-error.js';
import { configFrom, withLedger, type Output } from '../context.js';

const HELP = `Usage: qledger proof <checkpoints|inclusion|consistency> [options]

Prints Merkle proofs as JSON (hashes in standard base64, RFC 9162), against signed checkpoints.

  checkpoints [--limit N]                       the checkpoints, oldest first (default 100)
  inclusion (--event ID | --leaf N) [--size N]  inclusion of an event in the checkpoint of tree
                                                size N (default: the latest)
  consistency --from N [--to M]                 consistency of checkpoint N with checkpoint M
                                                (default: the latest)

${COMMON_HELP}`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  limit: { type: 'string' },
  event: { type: 'string' },
  leaf: { type: 'string' },
  size: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
} as const;

export async function proofCommand(argv: readonly string[], io: Output): Promise<number> {
  const args = parse(argv, OPTIONS, 'qledger proof <checkpoints|inclusion|consistency> [options]');
  const [sub] = args.positionals;
  if (args.values['help'] || sub === undefined) return (io.out(HELP), sub === undefined && !args.values['help'] ? 2 : 0);
  if (!['checkpoints', 'inclusion', 'consistency'].includes(sub)) {
    throw new UsageError(`unknown proof command "${sub}": use checkpoints, inclusion or consistency`);
  }
  const num = (name: string): number | undefined => {
    const raw = args.values[name];
    if (raw === undefined) return undefined;
    if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw))
      throw new UsageError(`--${name} must be a non-negative integer (got "${String(raw)}")`);
    return Number(raw);
  };
  const limit = num('limit');
  const leaf = num('leaf');
  const size = num('size');
  const from = num('from');
  const to = num('to');
  const event = args.values['event'];
  if (sub === 'inclusion' && (event === undefined) === (leaf === undefined)) {
    throw new UsageError('qledger proof inclusion needs exactly one of --event ID or --leaf N');
  }
  if (sub === 'consistency' && from === undefined) throw new UsageError('qledger proof consistency needs --from N (a checkpoint size)');
  const config = configFrom(args);
  return withLedger(
    config,
    io,
    async (ledger) => {
      const proofs = ledger.proofs;
      let result: unknown;
      if (sub === 'checkpoints') result = await proofs.listCheckpoints(limit === undefined ? {} : { limit });
      else if (sub === 'inclusion')
        result = await proofs.inclusion(typeof event === 'string' ? { eventId: event } : { leafIndex: leaf as number }, size);
      else result = await proofs.consistency(from as number, to);
      io.out(JSON.stringify(result, null, 2));
      return 0;
    },
    { signs: false },
  );
}
