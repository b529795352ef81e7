// Child process of the crash test: seals batches of 20 events, says "sealed N", pauses a
// moment, appends them, says "appended N". The parent kills it with SIGKILL at chosen points.
import pg from 'pg';
import { STREAM_CATEGORIES } from '../../src/domain/streams.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import { KeyRingService } from '../../src/ledger/keys/key-ring-service.js';
import { LocalKeystore } from '../../src/ledger/keys/keystore.js';
import { seal } from '../../src/ledger/seal.js';
import { counter, meta } from './ledger-fixture.js';

const [url, keysDir, prefix, pauseMs] = process.argv.slice(2) as [string, string, string, string];
const pool = new pg.Pool({ connectionString: url, max: 2 });
const store = await PostgresEventStore.open({ pool, connectionString: url, categories: new Set(STREAM_CATEGORIES), maxEventBytes: 65536 });
const keyRing = new KeyRingService(store, new LocalKeystore({ dir: keysDir, passphrase: undefined, allowInsecure: true }));
await keyRing.refresh();
const { signer, preconditions } = await keyRing.current();
for (let i = 0; ; i++) {
  const stream = `run-${prefix}-${i}`;
  const events = counter.decide({ type: 'Increment', count: 20 }, 0);
  const sealed = await seal(keyRing.origin, stream, { revision: -1, hash: null }, events, meta(), signer);
  process.stdout.write(`sealed ${i}\n`);
  await new Promise((r) => setTimeout(r, Number(pauseMs)));
  await store.append(stream, 'no_stream', sealed.records, { preconditions });
  process.stdout.write(`appended ${i}\n`);
}
