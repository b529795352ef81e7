import type pg from 'pg';

export interface SigningKeyRow {
  readonly kid: string;
  readonly publicKey: string;
  readonly status: 'active' | 'retired' | 'revoked';
  readonly validFrom: string;
  readonly validTo: string | null;
  readonly previousKid: string | null;
  readonly nextKid: string | null;
  readonly revokedAt: string | null;
  readonly revocationReason: string | null;
  readonly compromisedSince: string | null;
}

export interface SigningKeyChangeRow {
  readonly position: number;
  readonly kid: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly actorId: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

const KEY_COLUMNS = `kid, public_key, status, valid_from, valid_to, previous_kid, next_kid, revoked_at, revocation_reason, compromised_since`;

/** Every signing key, in the order they entered the chain. */
export async function listSigningKeys(db: pg.Pool): Promise<SigningKeyRow[]> {
  const { rows } = await db.query<Record<string, unknown>>(`SELECT ${KEY_COLUMNS} FROM ql_signing_keys ORDER BY introduced_at`);
  return rows.map(toKey);
}

/** The keys with these kids (one query for a whole batch: DataLoader). */
export async function signingKeysByKid(db: pg.Pool, kids: readonly string[]): Promise<Map<string, SigningKeyRow>> {
  const { rows } = await db.query<Record<string, unknown>>(`SELECT ${KEY_COLUMNS} FROM ql_signing_keys WHERE kid = ANY($1::text[])`, [
    [...kids],
  ]);
  return new Map(rows.map((r) => [r['kid'] as string, toKey(r)]));
}

/** The history of these keys, each in log order. */
export async function signingKeyHistory(db: pg.Pool, kids: readonly string[]): Promise<Map<string, SigningKeyChangeRow[]>> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT position, kid, type, occurred_at, actor_id, detail FROM ql_signing_key_history WHERE kid = ANY($1::text[]) ORDER BY position, sub`,
    [[...kids]],
  );
  const out = new Map<string, SigningKeyChangeRow[]>(kids.map((k) => [k, []]));
  for (const r of rows) {
    out.get(r['kid'] as string)?.push({
      position: Number(r['position']),
      kid: r['kid'] as string,
      type: r['type'] as string,
      occurredAt: (r['occurred_at'] as Date).toISOString(),
      actorId: r['actor_id'] as string,
      detail: r['detail'] as Record<string, unknown>,
    });
  }
  return out;
}

function iso(v: unknown): string | null {
  return v instanceof Date ? v.toISOString() : null;
}

function toKey(r: Record<string, unknown>): SigningKeyRow {
  return {
    kid: r['kid'] as string,
    publicKey: r['public_key'] as string,
    status: r['status'] as SigningKeyRow['status'],
    validFrom: (r['valid_from'] as Date).toISOString(),
    validTo: iso(r['valid_to']),
    previousKid: (r['previous_kid'] as string | null) ?? null,
    nextKid: (r['next_kid'] as string | null) ?? null,
    revokedAt: iso(r['revoked_at']),
    revocationReason: (r['revocation_reason'] as string | null) ?? null,
    compromisedSince: iso(r['compromised_since']),
  };
}
