import type pg from 'pg';
import type { KeyRingEvent } from '../../domain/keyring/keyring.js';
import { KEYRING_STREAM } from '../../domain/keyring/keyring.js';
import type { Projection, ProjectedEvent } from '../projection.js';
import { SIGNING_KEYS_MIGRATIONS } from './migrations.js';

/**
 * The ledger's signing keys (stream `ledger-keys`): status, validity window, predecessor and
 * successor, revocation; and the history of every genesis, rotation and revocation.
 */
export const signingKeysProjection: Projection = {
  name: 'signing-keys',
  version: 1,
  migrations: SIGNING_KEYS_MIGRATIONS,
  tables: ['ql_signing_keys', 'ql_signing_key_history'],
  categories: ['ledger'],
  async apply(events: readonly ProjectedEvent[], tx: pg.PoolClient): Promise<void> {
    for (const e of events) {
      if (e.recorded.stream !== KEYRING_STREAM) continue;
      const event = { type: e.envelope.type, data: e.envelope.data } as KeyRingEvent;
      const at = e.envelope.occurredAt;
      const position = e.recorded.position;
      switch (event.type) {
        case 'SigningKeyGenesis':
          await insertKey(tx, event.data.kid, event.data.publicKey, at, null, position);
          await history(tx, e, event.data.kid, { publicKey: event.data.publicKey });
          break;
        case 'SigningKeyRotated':
          await tx.query(
            `UPDATE ql_signing_keys SET status = CASE WHEN status = 'active' THEN 'retired' ELSE status END,
               valid_to = coalesce(valid_to, $2), next_kid = $3 WHERE kid = $1`,
            [event.data.previousKid, at, event.data.kid],
          );
          await insertKey(tx, event.data.kid, event.data.publicKey, at, event.data.previousKid, position);
          await history(tx, e, event.data.previousKid, { rotatedTo: event.data.kid });
          await history(tx, e, event.data.kid, { rotatedFrom: event.data.previousKid, publicKey: event.data.publicKey }, 1);
          break;
        case 'SigningKeyRevoked':
          await tx.query(
            `UPDATE ql_signing_keys SET status = 'revoked', valid_to = coalesce(valid_to, $2), revoked_at = $2,
               revocation_reason = $3, compromised_since = $4 WHERE kid = $1`,
            [event.data.kid, at, event.data.reason, event.data.compromisedSince],
          );
          await history(tx, e, event.data.kid, { reason: event.data.reason, compromisedSince: event.data.compromisedSince });
          break;
      }
    }
  },
};

async function insertKey(
  tx: pg.PoolClient,
  kid: string,
  publicKey: string,
  at: string,
  previous: string | null,
  position: number,
): Promise<void> {
  await tx.query(
    `INSERT INTO ql_signing_keys (kid, public_key, status, valid_from, previous_kid, introduced_at)
     VALUES ($1, $2, 'active', $3, $4, $5) ON CONFLICT (kid) DO NOTHING`,
    [kid, publicKey, at, previous, position],
  );
}

/** History rows are keyed by (position, sub): a rotation writes two, one for the old key (0) and one for the new key (1). */
async function history(tx: pg.PoolClient, e: ProjectedEvent, kid: string, detail: object, sub = 0): Promise<void> {
  await tx.query(
    `INSERT INTO ql_signing_key_history (position, sub, kid, type, occurred_at, actor_id, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (position, sub) DO NOTHING`,
    [e.recorded.position, sub, kid, e.envelope.type, e.envelope.occurredAt, e.envelope.actor.id, JSON.stringify(detail)],
  );
}
