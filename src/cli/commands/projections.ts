import { ProjectionService } from '../../projections/projection-service.js';
import { PROJECTIONS } from '../../projections/registry.js';
import { COMMON_HELP, COMMON_OPTIONS, parse } from '../args.js';
import { UsageError } from '../cli-error.js';
import { configFrom, withLedger, type Output } from '../context.js';

const HELP = `Usage: qledger projections [status | rebuild [NAME]]

The read models (${PROJECTIONS.map((p) => p.name).join(', ')}), each fed from the global log.

  qledger projections [status]        position, head and lag of each projection
  qledger projections rebuild [NAME]  empty the projection's tables and apply the whole log again
                                      (all projections when NAME is absent); the service must not be running

${COMMON_HELP}`;

export async function projectionsCommand(argv: readonly string[], io: Output): Promise<number> {
  const args = parse(argv, COMMON_OPTIONS, 'qledger projections [status | rebuild [NAME]]');
  if (args.values['help']) return (io.out(HELP), 0);
  const [sub = 'status', ...rest] = args.positionals;
  if (sub !== 'status' && sub !== 'rebuild') throw new UsageError(`use qledger projections status or rebuild [NAME] (got "${sub}")`);
  const names = sub === 'rebuild' && rest.length > 0 ? rest : PROJECTIONS.map((p) => p.name);
  for (const n of names) {
    if (!PROJECTIONS.some((p) => p.name === n))
      throw new UsageError(`no projection "${n}": use one of ${PROJECTIONS.map((p) => p.name).join(', ')}`);
  }
  if (sub === 'status' && rest.length > 0) throw new UsageError('qledger projections status takes no arguments');
  const config = configFrom(args);
  return withLedger(
    config,
    io,
    async (ledger) => {
      const service = new ProjectionService(ledger.pool, ledger.store, PROJECTIONS, { log: (l) => io.err(`qledger: ${l}`) });
      await service.migrate();
      if (sub === 'rebuild') {
        for (const n of names) {
          await service.catchUp([n], { fromZero: true });
          io.err(`qledger: projection ${n} rebuilt`);
        }
      }
      for (const s of await service.status()) {
        io.out(`${s.name.padEnd(14)} v${s.version}  position ${s.position}  head ${s.head}  lag ${s.lagEvents} events, ${s.lagMs} ms`);
      }
      return 0;
    },
    { signs: false },
  );
}
