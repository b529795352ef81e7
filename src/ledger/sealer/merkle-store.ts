import type pg from 'pg';
import { NotFound } from '../../domain/errors.js';
import { migrate } from '../../pg/migrate.js';
import { SEALER_MIGRATIONS } from './migrations.js';

export interface StoredLeaf {
  readonly index: number;
  readonly position: number;
  readonly eventId: string;
  readonly hash: Uint8Array;
}

export interface StoredNode {
  readonly level: number;
  readonly index: number;
  readonly hash: Uint8Array;
}

/**
 * The global Merkle log as stored: every leaf (leaf index, global position, event id, leaf hash)
 * and every complete perfect subtree above them. Any tree size's root and any proof read
 * O(log n) rows. Only the lease holder writes (`append`, in its fenced transaction).
 */
export class MerkleStore {
  private constructor(private readonly pool: pg.Pool) {}

  static async open(pool: pg.Pool): Promise<MerkleStore> {
    await migrate(pool, 'sealer', SEALER_MIGRATIONS);
    return new MerkleStore(pool);
  }

  /** Number of stored leaves and the global position after the last one's. */
  async extent(): Promise<{ size: number; lastPosition: number }> {
    const { rows } = await this.pool.query<{ n: string | null; p: string | null }>(
      'SELECT max(leaf_index) AS n, max(position) AS p FROM ql_merkle_leaves',
    );
    const r = rows[0];
    return { size: r?.n == null ? 0 : Number(r.n) + 1, lastPosition: r?.p == null ? -1 : Number(r.p) };
  }

  /** Hash of the perfect subtree (level, index); level 0 is a leaf hash. */
  async hashAt(level: number, index: number): Promise<Uint8Array> {
    const { rows } =
      level === 0
        ? await this.pool.query<{ hash: Buffer }>('SELECT hash FROM ql_merkle_leaves WHERE leaf_index = $1', [index])
        : await this.pool.query<{ hash: Buffer }>('SELECT hash FROM ql_merkle_nodes WHERE level = $1 AND idx = $2', [level, index]);
    const h = rows[0]?.hash;
    if (!h)
      throw new NotFound(
        'MERKLE_NODE_MISSING',
        `the Merkle tree has no node at level ${level}, index ${index}: the sealer has not reached it yet`,
      );
    return new Uint8Array(h);
  }

  /**
   * Hashes of many perfect subtrees in one round trip, as a synchronous `(level, index) => hash`
   * provider for ledger-verify's proof functions. A missing node is MERKLE_NODE_MISSING.
   */
  async hashesAt(
    nodes: readonly { readonly level: number; readonly index: number }[],
  ): Promise<(level: number, index: number) => Uint8Array> {
    const leaves = nodes.filter((n) => n.level === 0).map((n) => n.index);
    const inner = nodes.filter((n) => n.level > 0);
    const { rows } = await this.pool.query<{ level: number; idx: string; hash: Buffer }>(
      `SELECT 0 AS level, leaf_index AS idx, hash FROM ql_merkle_leaves WHERE leaf_index = ANY($1::bigint[])
       UNION ALL
       SELECT n.level, n.idx, n.hash FROM ql_merkle_nodes n
         JOIN unnest($2::smallint[], $3::bigint[]) AS w(level, idx) ON n.level = w.level AND n.idx = w.idx`,
      [leaves, inner.map((n) => n.level), inner.map((n) => n.index)],
    );
    const found = new Map(rows.map((r) => [`${r.level}:${r.idx}`, new Uint8Array(r.hash)]));
    return (level, index) => {
      const h = found.get(`${level}:${index}`);
      if (!h)
        throw new NotFound(
          'MERKLE_NODE_MISSING',
          `the Merkle tree has no node at level ${level}, index ${index}: the sealer has not reached it yet`,
        );
      return h;
    };
  }

  /** Roots of the perfect subtrees of a tree of `size` leaves, largest first (CompactTree state). */
  async frontier(size: number): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    let start = 0;
    for (let level = 52; level >= 0; level--) {
      const width = 2 ** level;
      if (size - start >= width) {
        out.push(await this.hashAt(level, start / width));
        start += width;
      }
    }
    return out;
  }

  async leafByIndex(index: number): Promise<StoredLeaf | undefined> {
    return this.leafWhere('leaf_index = $1', index);
  }

  async leafByEventId(eventId: string): Promise<StoredLeaf | undefined> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(eventId)) return undefined;
    return this.leafWhere('event_id = $1', eventId);
  }

  private async leafWhere(where: string, value: unknown): Promise<StoredLeaf | undefined> {
    const { rows } = await this.pool.query<{ leaf_index: string; position: string; event_id: string; hash: Buffer }>(
      `SELECT leaf_index, position, event_id, hash FROM ql_merkle_leaves WHERE ${where}`,
      [value],
    );
    const r = rows[0];
    return r && { index: Number(r.leaf_index), position: Number(r.position), eventId: r.event_id, hash: new Uint8Array(r.hash) };
  }

  /** Inserts leaves and completed nodes in the caller's transaction. */
  static async append(client: pg.PoolClient, leaves: readonly StoredLeaf[], nodes: readonly StoredNode[]): Promise<void> {
    if (leaves.length > 0) {
      await client.query(
        `INSERT INTO ql_merkle_leaves (leaf_index, position, event_id, hash)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::uuid[], $4::bytea[])`,
        [leaves.map((l) => l.index), leaves.map((l) => l.position), leaves.map((l) => l.eventId), leaves.map((l) => Buffer.from(l.hash))],
      );
    }
    if (nodes.length > 0) {
      await client.query(`INSERT INTO ql_merkle_nodes (level, idx, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])`, [
        nodes.map((n) => n.level),
        nodes.map((n) => n.index),
        nodes.map((n) => Buffer.from(n.hash)),
      ]);
    }
  }
}
