import type { Migration } from '../../pg/migrate.js';

export const MANAGED_KEYS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'managed keys and their versions',
    sql: `
CREATE TABLE ql_managed_keys (
  key_id            text        PRIMARY KEY,
  project_id        text        NOT NULL,
  status            text        NOT NULL,
  version           integer     NOT NULL,
  algorithm         text        NOT NULL,
  size_bits         integer     NOT NULL,
  curve             text,
  kms_ref           text        NOT NULL,
  purpose           text        NOT NULL,
  cryptoperiod_days integer     NOT NULL,
  rotate_by         timestamptz NOT NULL,
  registered_at     timestamptz NOT NULL,
  registered_by     text        NOT NULL,
  compromised_since timestamptz,
  status_reason     text,
  updated_position  bigint      NOT NULL
);
CREATE INDEX ql_managed_keys_project ON ql_managed_keys (project_id, key_id);

CREATE TABLE ql_managed_key_versions (
  key_id     text        NOT NULL,
  version    integer     NOT NULL,
  algorithm  text        NOT NULL,
  size_bits  integer     NOT NULL,
  curve      text,
  kms_ref    text        NOT NULL,
  reason     text,
  created_at timestamptz NOT NULL,
  created_by text        NOT NULL,
  PRIMARY KEY (key_id, version)
);
`,
  },
];
