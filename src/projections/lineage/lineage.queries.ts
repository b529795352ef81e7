import type pg from 'pg';

export type LineageDirection = 'UPSTREAM' | 'DOWNSTREAM' | 'BOTH';

export interface LineageNodeRow {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly projectId: string | null;
  readonly attrs: Record<string, unknown>;
  /** Hops from the start node (0 for the start node itself). */
  readonly depth: number;
}

export interface LineageEdgeRow {
  readonly up: string;
  readonly down: string;
  readonly kind: string;
}

export interface LineageResult {
  readonly root: LineageNodeRow | undefined;
  readonly nodes: LineageNodeRow[];
  readonly edges: LineageEdgeRow[];
  /** True when more nodes were reachable than `maxNodes`. */
  readonly truncated: boolean;
}

/**
 * A node a principal scoped to projects `$3` may see: one of its projects, or a node of no project
 * (dataset, model, commit, blueprint); a run or decision whose project is unknown is hidden.
 */
const VISIBLE = `($3::text[] IS NULL OR n.project_id = ANY($3) OR (n.project_id IS NULL AND n.kind NOT IN ('RUN', 'DECISION')))`;

/**
 * One recursive CTE per direction, capped at `depth` hops. UNION on (id, depth) keeps each level
 * a set, so a dense graph costs nodes x depth, never paths. Nodes of runs and decisions outside
 * `projects` (null: every project) are neither returned nor walked through.
 */
function walk(direction: 'UPSTREAM' | 'DOWNSTREAM'): string {
  const [from, to] = direction === 'DOWNSTREAM' ? ['up', 'down'] : ['down', 'up'];
  return `SELECT e.${to} AS id, w.depth + 1 AS depth
      FROM w_${direction} w JOIN ql_lineage_edges e ON e.${from} = w.id
      JOIN ql_lineage_nodes n ON n.id = e.${to}
      WHERE w.depth < $2 AND ${VISIBLE}`;
}

/**
 * The walk, the page of nodes and the edges among them in ONE statement (decision 0056), prepared
 * once per connection and direction: a named statement skips parsing and, after a few runs, planning,
 * which cost more than the walk itself on a graph shaped like the demo's.
 */
function lineageSql(dirs: ReadonlyArray<'UPSTREAM' | 'DOWNSTREAM'>): string {
  const ctes = dirs.map((d) => `w_${d}(id, depth) AS (SELECT $1::text, 0 UNION ${walk(d)})`);
  const union = dirs.map((d) => `SELECT id, depth FROM w_${d}`).join(' UNION ALL ');
  return `WITH RECURSIVE ${ctes.join(', ')},
       reached AS (SELECT id, min(depth) AS depth FROM (${union}) u GROUP BY id),
       page AS (SELECT n.id, n.kind, n.label, n.project_id AS "projectId", n.attrs, r.depth, count(*) OVER () AS total
                FROM reached r JOIN ql_lineage_nodes n ON n.id = r.id
                WHERE ${VISIBLE}
                ORDER BY r.depth, n.id LIMIT $4)
     SELECT COALESCE((SELECT json_agg(p ORDER BY p.depth, p.id) FROM page p), '[]') AS nodes,
            COALESCE((SELECT json_agg(json_build_object('up', e.up, 'down', e.down, 'kind', e.kind) ORDER BY e.up, e.down, e.kind)
                      FROM ql_lineage_edges e WHERE e.up = ANY(ARRAY(SELECT id FROM page)) AND e.down = ANY(ARRAY(SELECT id FROM page))), '[]') AS edges`;
}

export async function queryLineage(
  pool: pg.Pool,
  q: { node: string; direction: LineageDirection; depth: number; projects: readonly string[] | null; maxNodes: number },
): Promise<LineageResult> {
  const dirs: Array<'UPSTREAM' | 'DOWNSTREAM'> = q.direction === 'BOTH' ? ['UPSTREAM', 'DOWNSTREAM'] : [q.direction];
  const { rows } = await pool.query<{ nodes: Array<LineageNodeRow & { total: number }>; edges: LineageEdgeRow[] }>({
    name: `ql_lineage_${q.direction}`,
    text: lineageSql(dirs),
    values: [q.node, q.depth, q.projects, q.maxNodes],
  });
  const { nodes: page, edges } = rows[0]!;
  const nodes = page.map(({ total: _total, ...n }) => n);
  const truncated = page.length > 0 && Number(page[0]!.total) > page.length;
  return { root: nodes.find((n) => n.depth === 0), nodes, edges, truncated };
}
