import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { AppModule } from '../../app/app.module.js';
import { RevokeSigningKeyCommand } from '../../commands/keys/revoke-signing-key.command.js';
import { RotateSigningKeyCommand } from '../../commands/keys/rotate-signing-key.command.js';
import type { Config } from '../../config/config.js';
import type { Ledger } from '../../ledger/open-ledger.js';
import { COMMON_HELP, COMMON_OPTIONS, parse } from '../args.js';
import { UsageError } from '../cli-error.js';
import { configFrom, operatorMetadata, withLedger, type Output } from '../context.js';

const HELP = `Usage: qledger keys <list|rotate|revoke> [options]

  list                                  the key chain: every signing key, its status and since when
  rotate                                create a new signing key; the active key signs the rotation
  revoke KID --reason TEXT [--compromised-since RFC3339]
                                        revoke a retired key; with --compromised-since, its events
                                        from that instant on fail verification

${COMMON_HELP}`;

const OPTIONS = { ...COMMON_OPTIONS, reason: { type: 'string' }, 'compromised-since': { type: 'string' } } as const;

export async function keysCommand(argv: readonly string[], io: Output): Promise<number> {
  const args = parse(argv, OPTIONS, 'qledger keys <list|rotate|revoke> [options]');
  const [sub, ...rest] = args.positionals;
  if (args.values['help'] || sub === undefined) return (io.out(HELP), sub === undefined && !args.values['help'] ? 2 : 0);
  const config = configFrom(args);
  switch (sub) {
    case 'list':
      return withLedger(
        config,
        io,
        async (ledger) => {
          requireInit(ledger);
          for (const k of ledger.keyRing.list())
            io.out(`${k.kid}  ${k.status.padEnd(7)}  since ${k.since}${k.kid === ledger.keyRing.trustRoot ? '  (trust root)' : ''}`);
          return 0;
        },
        { signs: false },
      );
    case 'rotate':
      return withBus(config, io, async (bus) => {
        const r = await bus.execute<RotateSigningKeyCommand, { previousKid: string; kid: string }>(
          new RotateSigningKeyCommand(operatorMetadata()),
        );
        io.out(`rotated: ${r.previousKid} -> ${r.kid} (active signing key: ${r.kid})`);
        return 0;
      });
    case 'revoke': {
      const kid = rest[0];
      const reason = args.values['reason'];
      if (!kid || typeof reason !== 'string') throw new UsageError('qledger keys revoke needs a KID and --reason TEXT');
      const since = args.values['compromised-since'];
      return withBus(config, io, async (bus) => {
        await bus.execute(new RevokeSigningKeyCommand(kid, reason, typeof since === 'string' ? since : null, operatorMetadata()));
        io.out(`revoked: ${kid}`);
        return 0;
      });
    }
    default:
      throw new UsageError(`unknown keys command "${sub}": use list, rotate or revoke`);
  }
}

function requireInit(ledger: Ledger): void {
  if (ledger.keyRing.trustRoot === undefined) throw new UsageError('the ledger is not initialized: run qledger init first');
}

/** Runs a command through the NestJS CQRS bus, as the service would. */
async function withBus(config: Config, io: Output, fn: (bus: CommandBus) => Promise<number>): Promise<number> {
  return withLedger(config, io, async (ledger) => {
    requireInit(ledger);
    const app = await NestFactory.createApplicationContext(AppModule.forLedger(ledger, config), { logger: false });
    try {
      return await fn(app.get(CommandBus));
    } finally {
      await app.close();
    }
  });
}
