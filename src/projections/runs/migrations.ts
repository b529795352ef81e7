import type { Migration } from '../../pg/migrate.js';

export const RUNS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'runs, stages, checks, evidence references',
    sql: `
CREATE TABLE ql_runs (
  run_id            text        PRIMARY KEY,
  project_id        text        NOT NULL,
  environment       text        NOT NULL,
  status            text        NOT NULL,
  blueprint_id      text        NOT NULL,
  blueprint_version integer     NOT NULL,
  blueprint_digest  text        NOT NULL,
  trigger_kind      text        NOT NULL,
  trigger           jsonb       NOT NULL,
  initiator         text        NOT NULL,
  inputs            jsonb       NOT NULL,
  policies          jsonb       NOT NULL,
  requested_at      timestamptz NOT NULL,
  queued_at         timestamptz,
  started_at        timestamptz,
  finished_at       timestamptz,
  reasons           jsonb       NOT NULL DEFAULT '[]',
  cancel_reason     text,
  cancelled_by      text,
  requested_position bigint     NOT NULL,
  updated_position  bigint      NOT NULL
);
CREATE INDEX ql_runs_project ON ql_runs (project_id, requested_at DESC, run_id DESC);
CREATE INDEX ql_runs_requested ON ql_runs (requested_at DESC, run_id DESC);
CREATE INDEX ql_runs_blueprint ON ql_runs (blueprint_id, blueprint_version);
CREATE INDEX ql_runs_status ON ql_runs (status);

CREATE TABLE ql_run_stages (
  run_id        text        NOT NULL,
  stage_id      text        NOT NULL,
  ord           integer     NOT NULL,
  name          text        NOT NULL,
  depends_on    jsonb       NOT NULL,
  condition     jsonb,
  status        text        NOT NULL,
  started_at    timestamptz,
  finished_at   timestamptz,
  skip_reason   text,
  skip_detail   text,
  failed_checks jsonb       NOT NULL DEFAULT '[]',
  PRIMARY KEY (run_id, stage_id)
);

CREATE TABLE ql_run_checks (
  run_id       text        NOT NULL,
  check_id     text        NOT NULL,
  stage_id     text        NOT NULL,
  ord          integer     NOT NULL,
  check_type   text        NOT NULL,
  required     boolean     NOT NULL,
  thresholds   jsonb       NOT NULL,
  status       text        NOT NULL,
  attempt      integer     NOT NULL DEFAULT 0,
  worker_id    text,
  deadline     timestamptz,
  metrics      jsonb       NOT NULL DEFAULT '{}',
  findings     jsonb       NOT NULL DEFAULT '[]',
  evidence     jsonb       NOT NULL DEFAULT '[]',
  tool         text,
  error        text,
  scheduled_at timestamptz,
  started_at   timestamptz,
  finished_at  timestamptz,
  PRIMARY KEY (run_id, check_id)
);
CREATE INDEX ql_run_checks_failed ON ql_run_checks (run_id) WHERE status IN ('FAIL', 'ERROR', 'TIMED_OUT');

CREATE TABLE ql_run_evidence (
  sha256   text    NOT NULL,
  run_id   text    NOT NULL,
  check_id text    NOT NULL,
  attempt  integer NOT NULL,
  position bigint  NOT NULL,
  PRIMARY KEY (sha256, run_id, check_id, attempt)
);
CREATE INDEX ql_run_evidence_run ON ql_run_evidence (run_id, check_id);
`,
  },
];
