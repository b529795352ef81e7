import type { Migration } from '../../pg/migrate.js';

/** Namespace `sealer`: the lease table (shared with later singletons) and the Merkle log's stored leaves and nodes. */
export const SEALER_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'leases and merkle tree',
    sql: `
-- A lease per singleton role (the sealer; later one per projection): the holder renews it
-- before expires_at; anyone may take it once it expired. epoch grows at every change of holder.
CREATE TABLE ql_leases (
  name        text        PRIMARY KEY,
  holder      text        NOT NULL,
  epoch       bigint      NOT NULL,
  acquired_at timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);
-- Leaf i of the global Merkle log: the i-th event outside ledger-checkpoints, in global order.
-- hash is the RFC 9162 leaf hash SHA-256(0x00 || event hash).
CREATE TABLE ql_merkle_leaves (
  leaf_index bigint PRIMARY KEY CHECK (leaf_index >= 0),
  position   bigint NOT NULL UNIQUE,
  event_id   uuid   NOT NULL UNIQUE,
  hash       bytea  NOT NULL CHECK (length(hash) = 32)
);
-- Every complete (perfect, aligned) subtree above the leaves: node (level, idx) covers leaves
-- [idx * 2^level, (idx + 1) * 2^level). Proofs read O(log n) of them.
CREATE TABLE ql_merkle_nodes (
  level smallint NOT NULL CHECK (level >= 1),
  idx   bigint   NOT NULL CHECK (idx >= 0),
  hash  bytea    NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (level, idx)
);
CREATE FUNCTION ql_merkle_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER ql_merkle_leaves_no_update BEFORE UPDATE OR DELETE ON ql_merkle_leaves
  FOR EACH ROW EXECUTE FUNCTION ql_merkle_immutable();
CREATE TRIGGER ql_merkle_nodes_no_update BEFORE UPDATE OR DELETE ON ql_merkle_nodes
  FOR EACH ROW EXECUTE FUNCTION ql_merkle_immutable();
`,
  },
];
