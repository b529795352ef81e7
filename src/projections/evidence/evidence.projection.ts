import type pg from 'pg';
import type { EvidenceEvent } from '../../domain/evidence/evidence.js';
import type { Projection, ProjectedEvent } from '../projection.js';
import { eventsOf, insertMany } from '../rm-common/sql.js';
import { EVIDENCE_MIGRATIONS } from './migrations.js';

/**
 * Evidence artifacts on record (streams `evidence-<sha256>`): size, media type, who uploaded them.
 * The runs and checks that cite a digest are in `ql_run_evidence` (runs projection). One insert per batch.
 */
export const evidenceProjection: Projection = {
  name: 'evidence',
  version: 1,
  migrations: EVIDENCE_MIGRATIONS,
  tables: ['ql_evidence'],
  categories: ['evidence'],
  async apply(events: readonly ProjectedEvent[], tx: pg.PoolClient): Promise<void> {
    const rows = eventsOf<EvidenceEvent>(events, 'evidence')
      .filter(({ event }) => event.type === 'EvidenceRecorded')
      .map(({ event, e }) => [
        event.data.sha256,
        event.data.bytes,
        event.data.mediaType,
        e.envelope.occurredAt,
        e.envelope.actor.id,
        e.recorded.position,
      ]);
    await insertMany(
      tx,
      'ql_evidence',
      ['sha256 text', 'bytes bigint', 'media_type text', 'recorded_at timestamptz', 'recorded_by text', 'position bigint'],
      rows,
      'ON CONFLICT (sha256) DO NOTHING',
    );
  },
};
