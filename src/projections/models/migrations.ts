import type { Migration } from '../../pg/migrate.js';

export const MODELS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'model versions, stage approvals, batch manifests',
    sql: `
CREATE TABLE ql_model_versions (
  model          text        NOT NULL,
  digest         text        NOT NULL,
  version        text        NOT NULL,
  run_id         text,
  trained_on     jsonb       NOT NULL,
  registered_at  timestamptz NOT NULL,
  registered_by  text        NOT NULL,
  revoked_at     timestamptz,
  revoked_reason text,
  PRIMARY KEY (model, digest)
);
CREATE INDEX ql_model_versions_digest ON ql_model_versions (digest);

CREATE TABLE ql_model_approvals (
  model          text        NOT NULL,
  digest         text        NOT NULL,
  stage          text        NOT NULL,
  decision_id    text        NOT NULL,
  run_id         text        NOT NULL,
  approved_at    timestamptz NOT NULL,
  approved_by    text        NOT NULL,
  revoked_at     timestamptz,
  revoked_reason text,
  PRIMARY KEY (model, digest, stage)
);

CREATE TABLE ql_batch_manifests (
  job_id          text        NOT NULL,
  partition       text        NOT NULL,
  run_id          text        NOT NULL,
  stage           text        NOT NULL,
  model           text        NOT NULL,
  model_digest    text        NOT NULL,
  dataset_id      text        NOT NULL,
  dataset_version text        NOT NULL,
  rows_in         bigint      NOT NULL,
  rows_out        bigint      NOT NULL,
  sanity_checks   jsonb       NOT NULL,
  policy_digest   text        NOT NULL,
  config_hash     text        NOT NULL,
  artifacts       jsonb       NOT NULL,
  decision_id     text        NOT NULL,
  approved_run_id text        NOT NULL,
  recorded_at     timestamptz NOT NULL,
  position        bigint      NOT NULL,
  PRIMARY KEY (job_id, partition)
);
CREATE INDEX ql_batch_manifests_model ON ql_batch_manifests (model, model_digest);
CREATE INDEX ql_batch_manifests_run ON ql_batch_manifests (run_id);
`,
  },
];
