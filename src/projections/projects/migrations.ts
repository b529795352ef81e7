import type { Migration } from '../../pg/migrate.js';

export const PROJECTS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'projects and their blueprints per environment',
    sql: `
CREATE TABLE ql_projects (
  project_id       text        PRIMARY KEY,
  name             text        NOT NULL,
  project_type     text        NOT NULL,
  repository       text,
  owner_id         text        NOT NULL,
  crypto_blueprint jsonb,
  archived         boolean     NOT NULL DEFAULT false,
  archive_reason   text,
  created_at       timestamptz NOT NULL,
  created_by       text        NOT NULL,
  updated_position bigint      NOT NULL
);

CREATE TABLE ql_project_blueprints (
  project_id        text        NOT NULL,
  environment       text        NOT NULL,
  blueprint_id      text        NOT NULL,
  blueprint_version integer     NOT NULL,
  blueprint_digest  text        NOT NULL,
  attached_at       timestamptz NOT NULL,
  attached_by       text        NOT NULL,
  PRIMARY KEY (project_id, environment)
);
`,
  },
];
