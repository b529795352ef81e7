import type { Migration } from '../../pg/migrate.js';

export const EVIDENCE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'evidence artifacts',
    sql: `
CREATE TABLE ql_evidence (
  sha256      text        PRIMARY KEY,
  bytes       bigint      NOT NULL,
  media_type  text        NOT NULL,
  recorded_at timestamptz NOT NULL,
  recorded_by text        NOT NULL,
  position    bigint      NOT NULL
);
`,
  },
];
