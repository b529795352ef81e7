import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import type { Config } from '../config/config.js';
import { IllegalState } from '../domain/errors.js';
import { STREAM_CATEGORIES } from '../domain/streams.js';
import type { EventStore } from '../eventstore/port.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../pg/embedded-postgres.js';
import { KeyRingService } from './keys/key-ring-service.js';
import { LocalKeystore } from './keys/keystore.js';
import { LedgerWriter } from './ledger-writer.js';
import { ProofService } from './proofs/proof-service.js';
import { MerkleStore } from './sealer/merkle-store.js';

/** Everything a running ledger holds open, and how to close it in order. */
export interface Ledger {
  readonly store: EventStore;
  readonly keyRing: KeyRingService;
  readonly writer: LedgerWriter;
  readonly pool: pg.Pool;
  /** `embedded` or the redacted external URL. */
  readonly database: string;
  readonly insecureKeys: boolean;
  readonly keystore: LocalKeystore;
  /** The stored Merkle tree (written by the sealer) and the proofs read from it. */
  readonly merkle: MerkleStore;
  readonly proofs: ProofService;
  close(): Promise<void>;
}

/**
 * The composition root shared by the HTTP service and the CLI: the same adapter code runs
 * over the embedded PostgreSQL and an external one.
 */
export async function openLedger(
  config: Config,
  log: (line: string) => void,
  options: { readonly signs: boolean } = { signs: true },
): Promise<Ledger> {
  const keys = new LocalKeystore({
    dir: join(config.dataDir, 'keys'),
    passphrase: config.keyPassphrase,
    allowInsecure: config.devInsecureKeys,
  });
  // A command that will sign fails here, before anything is created or started.
  if (options.signs) keys.assertUsable();
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  let embedded: EmbeddedPostgresHandle | undefined;
  let connectionString = config.pgUrl;
  if (connectionString === undefined) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log });
    connectionString = embedded.connectionString;
  }
  const pool = new pg.Pool({ connectionString, max: config.pgPoolSize });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  try {
    const store = await PostgresEventStore.open({
      pool,
      connectionString,
      categories: new Set(STREAM_CATEGORIES),
      maxEventBytes: config.maxEventBytes,
    });
    const keyRing = new KeyRingService(store, keys);
    await keyRing.refresh();
    if (config.origin !== undefined && keyRing.trustRoot !== undefined && keyRing.origin !== config.origin) {
      throw new IllegalState(
        'ORIGIN_MISMATCH',
        `QLEDGER_ORIGIN is "${config.origin}" but this ledger's origin is "${keyRing.origin}": unset QLEDGER_ORIGIN or point QLEDGER_DATA_DIR/QLEDGER_PG_URL at the right ledger`,
      );
    }
    const writer = new LedgerWriter(store, keyRing);
    const merkle = await MerkleStore.open(pool);
    return {
      store,
      keyRing,
      writer,
      pool,
      database: embedded ? 'embedded' : 'external',
      insecureKeys: keys.insecure,
      keystore: keys,
      merkle,
      proofs: new ProofService(store, merkle),
      close: async () => {
        await store.close();
        await pool.end();
        await embedded?.stop();
      },
    };
  } catch (e) {
    await pool.end().catch(() => undefined);
    await embedded?.stop();
    throw e;
  }
}
