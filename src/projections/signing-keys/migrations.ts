import type { Migration } from '../../pg/migrate.js';

export const SIGNING_KEYS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'signing keys',
    sql: `
CREATE TABLE ql_signing_keys (
  kid               text        PRIMARY KEY,
  public_key        text        NOT NULL,
  status            text        NOT NULL CHECK (status IN ('active', 'retired', 'revoked')),
  valid_from        timestamptz NOT NULL,
  valid_to          timestamptz,
  previous_kid      text,
  next_kid          text,
  revoked_at        timestamptz,
  revocation_reason text,
  compromised_since timestamptz,
  introduced_at     bigint      NOT NULL
);
CREATE TABLE ql_signing_key_history (
 position    bigint      NOT NULL,
  sub         smallint    NOT NULL,
  kid         text        NOT NULL,
  type        text        NOT NULL,
  occurred_at timestamptz NOT NULL,
  actor_id    text        NOT NULL,
  detail      jsonb       NOT NULL,
  PRIMARY KEY (position, sub)
);
CREATE INDEX ql_signing_key_history_kid ON ql_signing_key_history (kid, position);
`,
  },
];
