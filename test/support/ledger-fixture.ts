import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Decider } from '../../src/domain/decider.js';
import { IllegalState } from '../../src/domain/errors.js';
import { STREAM_CATEGORIES } from '../../src/domain/streams.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import { newId } from '../../src/ledger/ids.js';
import { KeyRingService } from '../../src/ledger/keys/key-ring-service.js';
import { LocalKeystore } from '../../src/ledger/keys/keystore.js';
import { LedgerWriter } from '../../src/ledger/ledger-writer.js';
import type { CommandMetadata } from '../../src/domain/decider.js';
import { after, before } from 'node:test';
import { freshDatabase, type TestDatabase } from './pg.js';

export const ORIGIN = 'test.quality-ledger.local/ledger';

/** A test aggregate: a counter that appends `count` Incremented events, refusing to pass `limit`. */
export type CounterCommand = { readonly type: 'Increment'; readonly count: number; readonly payload?: unknown; readonly limit?: number };
export type CounterEvent = { readonly type: 'Incremented'; readonly data: { readonly value: number; readonly payload?: unknown } };
export const counter: Decider<CounterCommand, CounterEvent, number> = {
  initialState: 0,
  evolve: (_, e) => e.data.value,
  decide: (c, value) => {
    if (c.limit !== undefined && value + c.count > c.limit) throw new IllegalState('LIMIT', `counter would pass ${c.limit}`);
    return Array.from({ length: c.count }, (_, i) => ({
      type: 'Incremented' as const,
      data: { value: value + i + 1, ...(c.payload !== undefined ? { payload: c.payload } : {}) },
    }));
  },
};

export function meta(overrides: Partial<CommandMetadata> = {}): CommandMetadata {
  const commandId = newId();
  return {
    commandId,
    occurredAt: new Date().toISOString(),
    actor: { id: 'svc:test-suite', kind: 'service' },
    correlationId: commandId,
    causationId: commandId,
    ...overrides,
  };
}

export interface LedgerFixture {
  readonly store: PostgresEventStore;
  readonly keyRing: KeyRingService;
  readonly writer: LedgerWriter;
  readonly keysDir: string;
  readonly trustRoot: string;
  close(): Promise<void>;
}

/** A ledger (store, key ring with its genesis, writer) on a test database. */
export async function openLedgerFixture(db: TestDatabase, keysDir?: string): Promise<LedgerFixture> {
  const dir = keysDir ?? (await mkdtemp(join(tmpdir(), 'qledger-fixture-keys-')));
  const store = await PostgresEventStore.open({
    pool: db.pool,
    connectionString: db.url,
    categories: new Set(STREAM_CATEGORIES),
    maxEventBytes: 64 * 1024,
    pollIntervalMs: 200,
  });
  const keyRing = new KeyRingService(store, new LocalKeystore({ dir, passphrase: undefined, allowInsecure: true }));
  const { trustRoot } = await keyRing.ensureGenesis(() => ORIGIN, meta({ actor: { id: 'operator:test', kind: 'user' } }));
  return { store, keyRing, writer: new LedgerWriter(store, keyRing), keysDir: dir, trustRoot, close: () => store.close() };
}

/**
 * Registers the enclosing suite's hooks: before it, a fresh database with a ledger (genesis key
 * included) on it; after it, both closed. Read `db` and `fx` inside the tests.
 */
export function useLedgerFixture(): { readonly db: TestDatabase; readonly fx: LedgerFixture } {
  const ctx = {} as { db: TestDatabase; fx: LedgerFixture };
  before(async () => {
    ctx.db = await freshDatabase();
    ctx.fx = await openLedgerFixture(ctx.db);
  });
  after(async () => {
    await ctx.fx.close();
    await ctx.db.drop();
  });
  return ctx;
}
