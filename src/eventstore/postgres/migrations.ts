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
  {
    version: 2,
    name: 'append batch function',
    sql: `
-- Appends a group-committed batch in one statement. Every member is checked on its own
-- against the state before the batch (the caller puts no stream twice in a batch and makes no
-- member depend on a stream another member appends). The head row is locked first: in READ
-- COMMITTED, each later statement of this VOLATILE function takes a new snapshot, which sees
-- every transaction committed before the lock was granted, so checks never use stale state.
-- req_expected: -1 no stream, -2 any, n the revision of the stream's last event.
CREATE FUNCTION ql_append_batch(
  req_stream text[], req_expected bigint[], req_cnt int[],
  pre_idx int[], pre_stream text[], pre_rev bigint[],
  ev_idx int[], ev_i int[], ev_id uuid[], ev_type text[], ev_data text[],
  channel text)
RETURNS TABLE (idx int, status text, cur bigint, first_pos bigint, pre_fail text, new_head bigint)
LANGUAGE plpgsql VOLATILE AS $fn$
#variable_conflict use_column
DECLARE
  head_after bigint;
  head_before bigint;
BEGIN
  SELECT h.next_position INTO head_before FROM ql_log_head h FOR UPDATE;
  RETURN QUERY
  WITH req AS (
    SELECT (t.ord - 1)::int AS idx, t.stream, t.expected, t.cnt
    FROM unnest(req_stream, req_expected, req_cnt) WITH ORDINALITY AS t(stream, expected, cnt, ord)),
  pre AS (SELECT * FROM unnest(pre_idx, pre_stream, pre_rev) AS t(idx, stream, revision)),
  ev AS (SELECT * FROM unnest(ev_idx, ev_i, ev_id, ev_type, ev_data) AS t(idx, i, id, type, data)),
  dup AS (SELECT DISTINCT ev.idx FROM ev JOIN ql_events q ON q.event_id = ev.id),
  prefail AS (
    SELECT DISTINCT ON (p.idx) p.idx, p.stream || ' ' || coalesce(ps.revision, -1) AS pre_fail
    FROM pre p LEFT JOIN ql_streams ps ON ps.stream = p.stream
    WHERE coalesce(ps.revision, -1) <> p.revision ORDER BY p.idx),
  looked AS (
    SELECT r.idx, r.stream, r.expected, r.cnt, coalesce(s.revision, -1) AS current,
      (d.idx IS NOT NULL) AS is_dup, f.pre_fail
    FROM req r LEFT JOIN ql_streams s ON s.stream = r.stream
      LEFT JOIN dup d ON d.idx = r.idx LEFT JOIN prefail f ON f.idx = r.idx),
  chk AS (
    SELECT idx, stream, cnt, current, pre_fail,
      CASE WHEN is_dup THEN 'dup' WHEN pre_fail IS NOT NULL THEN 'pre'
           WHEN expected = -2 OR expected = current THEN 'ok' ELSE 'rev' END AS status
    FROM looked),
  okr AS (
    SELECT idx, stream, current, cnt,
      head_before + coalesce(sum(cnt) OVER (ORDER BY idx ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS first_pos
    FROM chk WHERE status = 'ok'),
  ins AS (
    INSERT INTO ql_events (position, stream, revision, event_id, type, data)
    SELECT o.first_pos + ev.i, o.stream, o.current + 1 + ev.i, ev.id, ev.type, ev.data FROM ev JOIN okr o ON o.idx = ev.idx),
  st AS (
    INSERT INTO ql_streams (stream, revision) SELECT stream, current + cnt FROM okr
    ON CONFLICT (stream) DO UPDATE SET revision = EXCLUDED.revision),
  hd AS (
    UPDATE ql_log_head SET next_position = head_before + (SELECT coalesce(sum(cnt), 0) FROM okr) RETURNING next_position)
  SELECT c.idx, c.status, c.current, o.first_pos, c.pre_fail, h.next_position
  FROM chk c LEFT JOIN okr o USING (idx) CROSS JOIN hd h ORDER BY c.idx;

  SELECT h.next_position INTO head_after FROM ql_log_head h;
  IF head_after > head_before THEN
    PERFORM pg_notify(channel, head_after::text);
  END IF;
END
$fn$;
`,
  },
  {
    version: 3,
    name: 'append batch: index lookups whatever the statistics',
    sql: `
-- Same contract as version 2, one plan shape for every table size. PL/pgSQL caches a generic plan
-- from the sixth call on, planned with the statistics of that moment: on a fresh database the
-- tables are nearly empty, so the duplicate check became a sequential scan of ql_events (and the
-- stream lookups scans of ql_streams), kept until autovacuum's first ANALYZE invalidated it:
-- the cost of every batch grew with the log. Here every lookup is a scalar subquery on a unique
-- key (never turned into a join), and sequential scans are off inside the function, so each
-- lookup is one index probe per row of the batch, however old the plan (the CTEs holding
-- lookups are MATERIALIZED so that each probe runs once).
--
-- The events' JSON texts come as one text joined by U+0001 (a JSON text never holds a raw
-- control character other than whitespace), not as a text[] literal: nothing to escape on
-- the client, nothing to unescape here.
DROP FUNCTION ql_append_batch(text[], bigint[], int[], int[], text[], bigint[], int[], int[], uuid[], text[], text[], text);
CREATE FUNCTION ql_append_batch(
  req_stream text[], req_expected bigint[], req_cnt int[],
  pre_idx int[], pre_stream text[], pre_rev bigint[],
  ev_idx int[], ev_i int[], ev_id uuid[], ev_type text[], ev_data_joined text,
  channel text)
RETURNS TABLE (idx int, status text, cur bigint, first_pos bigint, pre_fail text, new_head bigint)
LANGUAGE plpgsql VOLATILE SET enable_seqscan = off AS $fn$
#variable_conflict use_column
DECLARE
  head_after bigint;
  head_before bigint;
BEGIN
  SELECT h.next_position INTO head_before FROM ql_log_head h FOR UPDATE;
  RETURN QUERY
  WITH req AS MATERIALIZED (
    SELECT (t.ord - 1)::int AS idx, t.stream, t.expected, t.cnt,
      coalesce((SELECT s.revision FROM ql_streams s WHERE s.stream = t.stream), -1) AS current
    FROM unnest(req_stream, req_expected, req_cnt) WITH ORDINALITY AS t(stream, expected, cnt, ord)),
  ev AS (
    SELECT * FROM unnest(ev_idx, ev_i, ev_id, ev_type, string_to_array(ev_data_joined, E'\\x01')) AS t(idx, i, id, type, data)),
  dup AS (
    SELECT DISTINCT e.idx FROM ev e
    WHERE (SELECT true FROM ql_events q WHERE q.event_id = e.id)),
  pre AS MATERIALIZED (
    SELECT t.idx, t.stream, t.revision,
      coalesce((SELECT ps.revision FROM ql_streams ps WHERE ps.stream = t.stream), -1) AS actual
    FROM unnest(pre_idx, pre_stream, pre_rev) AS t(idx, stream, revision)),
  prefail AS (
    SELECT DISTINCT ON (p.idx) p.idx, p.stream || ' ' || p.actual AS pre_fail
    FROM pre p WHERE p.actual <> p.revision ORDER BY p.idx),
  chk AS (
    SELECT r.idx, r.stream, r.cnt, r.current, f.pre_fail,
      CASE WHEN d.idx IS NOT NULL THEN 'dup' WHEN f.pre_fail IS NOT NULL THEN 'pre'
           WHEN r.expected = -2 OR r.expected = r.current THEN 'ok' ELSE 'rev' END AS status
    FROM req r LEFT JOIN dup d ON d.idx = r.idx LEFT JOIN prefail f ON f.idx = r.idx),
  okr AS (
    SELECT idx, stream, current, cnt,
      head_before + coalesce(sum(cnt) OVER (ORDER BY idx ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS first_pos
    FROM chk WHERE status = 'ok'),
  ins AS (
    INSERT INTO ql_events (position, stream, revision, event_id, type, data)
    SELECT o.first_pos + ev.i, o.stream, o.current + 1 + ev.i, ev.id, ev.type, ev.data FROM ev JOIN okr o ON o.idx = ev.idx),
  st AS (
    INSERT INTO ql_streams (stream, revision) SELECT stream, current + cnt FROM okr
    ON CONFLICT (stream) DO UPDATE SET revision = EXCLUDED.revision),
  hd AS (
    UPDATE ql_log_head SET next_position = head_before + (SELECT coalesce(sum(cnt), 0) FROM okr) RETURNING next_position)
  SELECT c.idx, c.status, c.current, o.first_pos, c.pre_fail, h.next_position
  FROM chk c LEFT JOIN okr o USING (idx) CROSS JOIN hd h ORDER BY c.idx;

  SELECT h.next_position INTO head_after FROM ql_log_head h;
  IF head_after > head_before THEN
    PERFORM pg_notify(channel, head_after::text);
  END IF;
END
$fn$;
`,
  },
];
