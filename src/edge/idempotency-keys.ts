import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { LEDGER } from '../app/tokens.js';
import { Unprocessable } from '../domain/errors.js';
import type { Ledger } from '../ledger/open-ledger.js';
import { migrate, type Migration } from '../pg/migrate.js';
import type { WriteContext } from './idempotency.js';

export const IDEMPOTENCY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'idempotency keys',
    sql: `
CREATE TABLE ql_idempotency_keys (
  command_id     text        PRIMARY KEY,
  request_digest text        NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
`,
  },
];

/**
 * Which request each idempotency key was first used for (decision 0067). The ledger recognises a
 * replay by its command id, derived from (actor, route, key); this table holds the digest of the
 * request that came with the key, so the same key with another request is refused (422
 * IDEMPOTENCY_KEY_REUSED) before anything runs, instead of answering the first request's result.
 * Only digests are kept: no request content, no actor.
 */
@Injectable()
export class IdempotencyKeys {
  private migrated: Promise<unknown> | undefined;

  constructor(@Inject(LEDGER) private readonly ledger: Pick<Ledger, 'pool'>) {}

  /**
   * Binds the context's key to its request, or checks that it is the request the key was bound
   * to. A context without a key passes. Call after the input is validated, before dispatching.
   */
  async claim(w: WriteContext): Promise<void> {
    if (!w.idempotent || w.requestDigest === undefined) return;
    const pool: pg.Pool = this.ledger.pool;
    this.migrated ??= migrate(pool, 'idempotency', IDEMPOTENCY_MIGRATIONS).catch((e: unknown) => {
      this.migrated = undefined;
      throw e;
    });
    await this.migrated;
    // The no-op update makes the conflicting row come back: the first digest either way.
    const { rows } = await pool.query<{ request_digest: string }>(
      `INSERT INTO ql_idempotency_keys (command_id, request_digest) VALUES ($1, $2)
       ON CONFLICT (command_id) DO UPDATE SET command_id = EXCLUDED.command_id
       RETURNING request_digest`,
      [w.meta.commandId, w.requestDigest],
    );
    if (rows[0]?.request_digest !== w.requestDigest) {
      throw new Unprocessable(
        'IDEMPOTENCY_KEY_REUSED',
        'this idempotency key was already used for a different request: send a new key for a new request (the same request with the same key answers its first result)',
      );
    }
  }
}
