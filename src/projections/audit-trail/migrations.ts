import type { Migration } from '../../pg/migrate.js';

export const AUDIT_TRAIL_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'audit trail',
    sql: `
CREATE TABLE ql_audit_trail (
  position       bigint      PRIMARY KEY,
  stream         text        NOT NULL,
  category       text        NOT NULL,
  revision       bigint      NOT NULL,
  event_id       uuid        NOT NULL,
  type           text        NOT NULL,
  occurred_at    timestamptz NOT NULL,
  recorded_at    timestamptz NOT NULL,
  actor_id       text        NOT NULL,
  actor_kind     text        NOT NULL,
  correlation_id text        NOT NULL,
  hash           text        NOT NULL,
  prev           text,
  kid            text        NOT NULL,
  sig            text        NOT NULL
);
CREATE INDEX ql_audit_trail_stream ON ql_audit_trail (stream, position);
CREATE INDEX ql_audit_trail_category ON ql_audit_trail (category, position);
CREATE INDEX ql_audit_trail_occurred ON ql_audit_trail (occurred_at, position);
`,
  },
];
