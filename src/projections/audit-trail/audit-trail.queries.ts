import type pg from 'pg';

/** One row of `ql_audit_trail` as read back (positions as numbers, times as RFC 3339). */
export interface AuditTrailRow {
  readonly position: number;
  readonly stream: string;
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly actorId: string;
  readonly actorKind: string;
  readonly correlationId: string;
  readonly hash: string;
  readonly prev: string | null;
  readonly kid: string;
  readonly sig: string;
}

export interface AuditTrailQuery {
  readonly stream?: string | undefined;
  readonly category?: string | undefined;
  /** Inclusive lower bound on occurredAt. */
  readonly from?: string | undefined;
  /** Exclusive upper bound on occurredAt. */
  readonly to?: string | undefined;
  /** Only positions greater than this (keyset cursor). */
  readonly afterPosition?: number | undefined;
  readonly first: number;
}

/** A page of the audit trail in global order, with one row looked ahead for `hasNextPage`. */
export async function queryAuditTrail(db: pg.Pool, q: AuditTrailQuery): Promise<{ rows: AuditTrailRow[]; hasNextPage: boolean }> {
  // Only the filters given, so that every shape has a plan on its own index (stream, category or
  // occurred_at, each with position), prepared once per connection under a name of its shape.
  const where = ['position > $1'];
  const params: unknown[] = [q.afterPosition ?? -1];
  const add = (sql: string, value: unknown): void => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (q.stream !== undefined) add('stream = ?', q.stream);
  if (q.category !== undefined) add('category = ?', q.category);
  if (q.from !== undefined) add('occurred_at >= ?::timestamptz', q.from);
  if (q.to !== undefined) add('occurred_at < ?::timestamptz', q.to);
  params.push(q.first + 1);
  const shape = [q.stream, q.category, q.from, q.to].map((v) => (v === undefined ? '0' : '1')).join('');
  const { rows } = await db.query<Record<string, unknown>>({
    name: `ql_audit_trail_${shape}`,
    text: `SELECT position, stream, revision, event_id, type, occurred_at, recorded_at, actor_id, actor_kind, correlation_id,
            hash, prev, kid, sig
       FROM ql_audit_trail
      WHERE ${where.join(' AND ')}
      ORDER BY position
      LIMIT $${params.length}`,
    values: params,
  });
  return { rows: rows.slice(0, q.first).map(toRow), hasNextPage: rows.length > q.first };
}

function toRow(r: Record<string, unknown>): AuditTrailRow {
  return {
    position: Number(r['position']),
    stream: r['stream'] as string,
    revision: Number(r['revision']),
    eventId: r['event_id'] as string,
    type: r['type'] as string,
    occurredAt: (r['occurred_at'] as Date).toISOString(),
    recordedAt: (r['recorded_at'] as Date).toISOString(),
    actorId: r['actor_id'] as string,
    actorKind: r['actor_kind'] as string,
    correlationId: r['correlation_id'] as string,
    hash: r['hash'] as string,
    prev: r['prev'] as string | null,
    kid: r['kid'] as string,
    sig: r['sig'] as string,
  };
}
