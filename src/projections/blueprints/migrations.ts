import type { Migration } from '../../pg/migrate.js';

export const BLUEPRINTS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'blueprint versions',
    sql: `
CREATE TABLE ql_blueprint_versions (
  blueprint_id       text        NOT NULL,
  version            integer     NOT NULL,
  digest             text        NOT NULL,
  name               text,
  definition         jsonb       NOT NULL,
  registered_at      timestamptz NOT NULL,
  registered_by      text        NOT NULL,
  deprecated         boolean     NOT NULL DEFAULT false,
  deprecation_reason text,
  replaced_by        integer,
  PRIMARY KEY (blueprint_id, version)
);
CREATE INDEX ql_blueprint_versions_digest ON ql_blueprint_versions (digest);
`,
  },
];
