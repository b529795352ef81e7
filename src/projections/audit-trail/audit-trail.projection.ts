import type pg from 'pg';
import type { Projection, ProjectedEvent } from '../projection.js';
import { AUDIT_TRAIL_MIGRATIONS } from './migrations.js';

/**
 * Every event of the ledger, one row each, with what an auditor needs to check it: position,
 * stream, revision, id, type, times, pseudonymous actor, hash, prev, kid and signature.
 * One INSERT ... SELECT FROM unnest(...) per batch.
 */
export const auditTrailProjection: Projection = {
  name: 'audit-trail',
  version: 1,
  migrations: AUDIT_TRAIL_MIGRATIONS,
  tables: ['ql_audit_trail'],
  async apply(events: readonly ProjectedEvent[], tx: pg.PoolClient): Promise<void> {
    const col = <T>(f: (e: ProjectedEvent) => T): T[] => events.map(f);
    await tx.query(
      `INSERT INTO ql_audit_trail
         (position, stream, category, revision, event_id, type, occurred_at, recorded_at, actor_id, actor_kind,
          correlation_id, hash, prev, kid, sig)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::uuid[], $6::text[], $7::timestamptz[],
          $8::timestamptz[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
       ON CONFLICT (position) DO NOTHING`,
      [
        col((e) => e.recorded.position),
        col((e) => e.recorded.stream),
        col((e) => categoryOf(e.recorded.stream)),
        col((e) => e.recorded.revision),
        col((e) => e.recorded.id),
        col((e) => e.recorded.type),
        col((e) => e.envelope.occurredAt),
        col((e) => e.recorded.recordedAt.toISOString()),
        col((e) => e.envelope.actor.id),
        col((e) => e.envelope.actor.kind),
        col((e) => e.envelope.meta.correlationId),
        col((e) => e.envelope.hash),
        col((e) => e.envelope.prev),
        col((e) => e.envelope.sig.kid),
        col((e) => e.envelope.sig.val),
      ],
    );
  },
};

export function categoryOf(stream: string): string {
  const dash = stream.indexOf('-');
  return dash < 0 ? stream : stream.slice(0, dash);
}
