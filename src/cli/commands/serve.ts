import exitHook from 'async-exit-hook';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { AppModule } from '../../app/app.module.js';
import { loadAuthConfig } from '../../auth/auth-config.js';
import { openLedger } from '../../ledger/open-ledger.js';
import { Sealer } from '../../ledger/sealer/sealer.js';
import { ProcessHost } from '../../process/process.host.js';
import { COMMON_HELP, COMMON_OPTIONS, parse } from '../args.js';
import { UsageError } from '../cli-error.js';
import { bounded } from '../../util/bounded.js';
import { configFrom, DEV_KEYS_WARNING, operatorMetadata, type Output } from '../context.js';
import { defaultOrigin } from './init.js';

const HELP = `Usage: qledger serve [options]

Runs the ledger service over HTTP (PORT, default 4000; QLEDGER_HOST, default 127.0.0.1) on the
embedded PostgreSQL, or on QLEDGER_PG_URL when set. Creates the genesis key on first start and
prints the trust root. Probes: GET /health/live, GET /health/ready (no credentials).
API: /graphql (queries, and subscriptions over graphql-ws), GET /metrics, GET /auth/whoami, with
"Authorization: Bearer <token or API key>" (qledger token, qledger apikeys, or QLEDGER_OIDC_ISSUERS).

Options:
  --port N                listen on port N (overrides PORT)
${COMMON_HELP}`;

export async function serveCommand(argv: readonly string[], io: Output): Promise<number> {
  const args = parse(argv, { ...COMMON_OPTIONS, port: { type: 'string' } }, 'qledger serve [--port N] [--data-dir DIR]');
  if (args.values['help']) return (io.out(HELP), 0);
  if (args.positionals.length > 0) throw new UsageError(`qledger serve takes no arguments (got "${args.positionals[0]}")`);
  const config = configFrom(args);
  const port = typeof args.values['port'] === 'string' ? portFlag(args.values['port']) : config.port;
  const auth = loadAuthConfig(process.env, { localIssuer: config.pgUrl === undefined });

  const ledger = await openLedger(config, (l) => io.err(l));
  let app: Awaited<ReturnType<typeof NestFactory.create>> | undefined;
  let sealer: Sealer | undefined;
  let closing: Promise<void> | undefined;
  const shutdown = (): Promise<void> =>
    (closing ??= (async () => {
      io.err('qledger: shutting down');
      // Each step is bounded, so that a step that hangs cannot keep the database from being stopped
      // before the exit hook's own limit ends the process (which would leave PostgreSQL running).
      await bounded(sealer?.stop(), STEP_MS, (ms) =>
        io.err(`qledger: the sealer did not stop within ${ms / 1000} s; stopping the database anyway`),
      );
      await bounded(app?.close(), STEP_MS, (ms) =>
        io.err(`qledger: the HTTP server and the background work did not stop within ${ms / 1000} s; stopping the database anyway`),
      );
      await ledger.close();
    })());
  exitHook.forceExitTimeout(FORCE_EXIT_MS);
  exitHook((done: () => void) => void shutdown().finally(done));
  try {
    if (ledger.insecureKeys) io.err(DEV_KEYS_WARNING);
    const { trustRoot } = await ledger.keyRing.ensureGenesis((kid) => config.origin ?? defaultOrigin(kid), operatorMetadata());
    await ledger.keyRing.current(); // fail now, not on the first write, if the key cannot be loaded
    const { ApiModule } = await import('../../app/api.module.js'); // loaded by serve only: other commands start faster
    app = await NestFactory.create(AppModule.forLedger(ledger, config, ApiModule.forRoot(ledger, config, auth)), {
      logger: ['error', 'warn'],
    });
    await app.get(ProcessHost).start(); // runs the pipelines: schedules, evaluates, times out (decision 0042)
    await app.listen(port, config.host).catch((e: unknown) => {
      throw listenError(e, port, config.host);
    });
    const address = app.getHttpServer().address() as AddressInfo;
    io.out(`origin: ${ledger.keyRing.origin}`);
    io.out(`trust root: ${trustRoot}`);
    io.out(`listening on http://${config.host}:${address.port} (database: ${ledger.database})`);
    // The Merkle sealer: active here if this process gets the lease, standing by otherwise.
    sealer = new Sealer({
      store: ledger.store,
      pool: ledger.pool,
      signing: ledger.keyRing,
      everyEvents: config.checkpointEveryEvents,
      intervalMs: config.checkpointIntervalMs,
      leaseMs: config.sealerLeaseMs,
      log: (l) => io.err(`qledger: ${l}`),
    });
    sealer.start();
  } catch (e) {
    await shutdown();
    throw e;
  }
  return new Promise<number>(() => undefined); // runs until a signal; the exit hook closes everything
}

/** The usual reasons a port cannot be bound, as one line that says what to do (exit 2). */
function listenError(e: unknown, port: number, host: string): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE')
    return new UsageError(
      `port ${port} on ${host} is already in use: stop the process using it, or choose another port with PORT or --port`,
    );
  if (code === 'EACCES')
    return new UsageError(`not permitted to listen on port ${port} on ${host}: choose a port above 1023 with PORT or --port`);
  if (code === 'EADDRNOTAVAIL')
    return new UsageError(`cannot listen on ${host}: it is not an address of this machine; set QLEDGER_HOST to one that is`);
  return e;
}

/** Shutdown: at most this long per step before going on, and in all before the process is ended. */
const STEP_MS = 5_000;
const FORCE_EXIT_MS = 20_000;

function portFlag(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535) throw new UsageError(`--port must be an integer from 0 to 65535 (got "${raw}")`);
  return n;
}
