import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeExport, type ExportResult } from '../../src/export/export-writer.js';
import { sealOnce } from '../../src/ledger/sealer/sealer.js';
import { counter, meta, openLedgerFixture, type LedgerFixture } from './ledger-fixture.js';
import { freshDatabase, type TestDatabase } from './pg.js';

export interface ExportFixture {
  readonly db: TestDatabase;
  readonly fx: LedgerFixture;
  /** The export directory the service wrote. */
  readonly dir: string;
  readonly result: ExportResult;
  readonly genesisKid: string;
  readonly rotatedKid: string;
  close(): Promise<void>;
}

const operator = () => meta({ actor: { id: 'operator:test', kind: 'user' } });

/**
 * A real ledger exported by the service: events over several streams, a key rotation and a
 * revocation of the retired key, three checkpoints (the last one covers every event).
 */
export async function buildExportFixture(): Promise<ExportFixture> {
  const db = await freshDatabase();
  const fx = await openLedgerFixture(db);
  const seal = () => sealOnce({ store: fx.store, pool: db.pool, signing: fx.keyRing, leaseMs: 10_000 });
  const genesisKid = fx.keyRing.activeKid as string;
  await fx.writer.execute('run-alpha', counter, { type: 'Increment', count: 3 }, meta());
  await fx.writer.execute('project-p1', counter, { type: 'Increment', count: 2 }, meta());
  await seal();
  const { kid: rotatedKid } = await fx.keyRing.rotate(operator());
  await fx.writer.execute('run-alpha', counter, { type: 'Increment', count: 2, payload: { note: 'after rotation' } }, meta());
  await fx.writer.execute('run-beta', counter, { type: 'Increment', count: 3 }, meta());
  await fx.keyRing.revoke(genesisKid, 'rotated out in the test fixture', null, operator());
  await fx.writer.execute('decision-d1', counter, { type: 'Increment', count: 2 }, meta());
  await seal();
  await fx.writer.execute('run-beta', counter, { type: 'Increment', count: 1 }, meta());
  await fx.writer.execute('evidence-e1', counter, { type: 'Increment', count: 2 }, meta());
  await seal();
  const parent = await mkdtemp(join(tmpdir(), 'qledger-export-'));
  const dir = join(parent, 'export');
  const result = await writeExport({ store: fx.store, origin: fx.keyRing.origin, trustRoot: fx.trustRoot, out: dir });
  return {
    db,
    fx,
    dir,
    result,
    genesisKid,
    rotatedKid,
    close: async () => {
      await fx.close();
      await db.drop();
    },
  };
}
