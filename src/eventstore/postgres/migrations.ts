import type { Migration } from '../../pg/migrate.js';

export const EVENTSTORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'event log',
    sql: `
CREATE TABLE ql_events (
  position    bigint      PRIMARY KEY CHECK (position >= 0),
  stream      text        NOT NULL,
  revision    bigint      NOT NULL CHECK (revision >= 0),
  event_id    uuid        NOT NULL UNIQUE,
  type        text        NOT NULL,
  data        text        NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream, revision)
);
CREATE TABLE ql_streams (
  stream   text   PRIMARY KEY,
  revision bigint NOT NULL
);
-- One row: the next global position. Locking it (FOR UPDATE) is the single serialization
-- point of all appends, so positions are dense and become visible strictly in commit order.
CREATE TABLE ql_log_head (
  singleton     boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  next_position bigint  NOT NULL
);
INSERT INTO ql_log_head (singleton, next_position) VALUES (true, 0);

-- The log is append-only: refuse updates, deletes and truncation of events.
CREATE FUNCTION ql_events_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ql_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER ql_events_no_update BEFORE UPDATE OR DELETE ON ql_events
  FOR EACH ROW EXECUTE FUNCTION ql_events_immutable();
CREATE TRIGGER ql_events_no_truncate BEFORE TRUNCATE ON ql_events
  FOR EACH STATEMENT EXECUTE FUNCTION ql_events_immutable();
`,
  },
];
