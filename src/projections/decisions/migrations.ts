import type { Migration } from '../../pg/migrate.js';

export const DECISIONS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'decisions, approvals and vetoes, waivers',
    sql: `
CREATE TABLE ql_decisions (
  run_id           text        PRIMARY KEY,
  project_id       text        NOT NULL,
  environment      text        NOT NULL,
  status           text        NOT NULL,
  initiator        text        NOT NULL,
  approval         jsonb       NOT NULL,
  quorum           integer     NOT NULL,
  blueprint_digest text        NOT NULL,
  verdict          text,
  explanation      jsonb,
  policy_digest    text,
  engine_version   text,
  inputs_digest    text,
  evaluated_at     timestamptz,
  evaluated_by     text,
  waiver_ids       jsonb       NOT NULL DEFAULT '[]',
  reasons          jsonb       NOT NULL DEFAULT '[]',
  opened_at        timestamptz NOT NULL,
  decided_at       timestamptz,
  updated_position bigint      NOT NULL
);
CREATE INDEX ql_decisions_project ON ql_decisions (project_id, opened_at DESC);

CREATE TABLE ql_decision_approvals (
  run_id   text        NOT NULL,
  position bigint      NOT NULL,
  kind     text        NOT NULL,
  actor_id text        NOT NULL,
  role     text        NOT NULL,
  comment  text        NOT NULL,
  at       timestamptz NOT NULL,
  PRIMARY KEY (run_id, position)
);

CREATE TABLE ql_decision_waivers (
  run_id        text        NOT NULL,
  waiver_id     text        NOT NULL,
  target_kind   text        NOT NULL,
  target_ref    text        NOT NULL,
  granted_by    text        NOT NULL,
  role          text        NOT NULL,
  justification text        NOT NULL,
  expires_at    timestamptz NOT NULL,
  granted_at    timestamptz NOT NULL,
  status        text        NOT NULL,
  ended_at      timestamptz,
  ended_by      text,
  end_reason    text,
  PRIMARY KEY (run_id, waiver_id)
);
`,
  },
];
