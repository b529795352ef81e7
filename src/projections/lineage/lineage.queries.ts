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
const VISIBLE = `(n.project_id = ANY($3) OR (n.project_id IS NULL AND n.kind NOT IN ('RUN', 'DECISION')))`;

/**
 * One recursive CTE per direction, capped at `depth` ($2) hops. UNION on (id, depth) keeps each level
 * a set, so a dense graph costs nodes x depth, never paths. For a scoped principal, nodes of runs and
 * decisions outside its projects are neither returned nor walked through; an unscoped principal's walk
 * does not look at the nodes at all.
 */
function walk(direction: 'UPSTREAM' | 'DOWNSTREAM', scoped: boolean): string {
  const [from, to] = direction === 'DOWNSTREAM' ? ['up', 'down'] : ['down', 'up'];
  const visible = scoped ? ` JOIN ql_lineage_nodes n ON n.id = e.${to} WHERE w.depth < $2 AND ${VISIBLE}` : ' WHERE w.depth < $2';
  return `SELECT e.${to} AS id, w.depth + 1 AS depth FROM w_${direction} w JOIN ql_lineage_edges e ON e.${from} = w.id${visible}`;
}

/**
 * The walk, the page of nodes and the edges among them in ONE statement (decision 0056), prepared
 * once per connection, direction and scoping: a named statement skips parsing and, after a few runs,
 * planning. The page takes one node more than the limit to tell whether the graph was truncated
 * (no window function over the whole walk). The edges among the page's nodes are found
 * through the primary key with `= ANY(ARRAY(...))`: measurably cheaper than `IN (SELECT ...)` on the
 * CTE (decision 0056, session 4).
 */
function lineageSql(dirs: ReadonlyArray<'UPSTREAM' | 'DOWNSTREAM'>, scoped: boolean): string {
  const ctes = dirs.map((d) => `w_${d}(id, depth) AS (SELECT $1::text, 0 UNION ${walk(d, scoped)})`);
  const union = dirs.map((d) => `SELECT id, depth FROM w_${d}`).join(' UNION ALL ');
  const limit = scoped ? '$4' : '$3';
  return `WITH RECURSIVE ${ctes.join(', ')},
       reached AS (SELECT id, min(depth) AS depth FROM (${union}) u GROUP BY id),
       page AS (SELECT n.id, n.kind, n.label, n.project_id AS "projectId", n.attrs, r.depth
                FROM reached r JOIN ql_lineage_nodes n ON n.id = r.id
                ${scoped ? `WHERE ${VISIBLE}` : ''}
                ORDER BY r.depth, n.id LIMIT ${limit} + 1)
     SELECT COALESCE((SELECT json_agg(p ORDER BY p.depth, p.id) FROM page p), '[]') AS nodes,
            COALESCE((SELECT json_agg(json_build_object('up', e.up, 'down', e.down, 'kind', e.kind) ORDER BY e.up, e.down, e.kind)
                      FROM ql_lineage_edges e WHERE e.up = ANY(ARRAY(SELECT id FROM page)) AND e.down = ANY(ARRAY(SELECT id FROM page))), '[]') AS edges`;
}

export async function queryLineage(
  pool: pg.Pool,
  q: { node: string; direction: LineageDirection; depth: number; projects: readonly string[] | null; maxNodes: number },
): Promise<LineageResult> {
  const dirs: Array<'UPSTREAM' | 'DOWNSTREAM'> = q.direction === 'BOTH' ? ['UPSTREAM', 'DOWNSTREAM'] : [q.direction];
  const scoped = q.projects !== null;
  const { rows } = await pool.query<{ nodes: LineageNodeRow[]; edges: LineageEdgeRow[] }>({
    name: `ql_lineage_${q.direction}${scoped ? '_scoped' : ''}`,
    text: lineageSql(dirs, scoped),
    values: scoped ? [q.node, q.depth, q.projects, q.maxNodes] : [q.node, q.depth, q.maxNodes],
  });
  const { nodes: page, edges: pageEdges } = rows[0]!;
  // The one node past the limit only tells that the graph was truncated: it goes, with its edges.
  const extra = page.length > q.maxNodes ? page[q.maxNodes]!.id : undefined;
  const nodes = extra === undefined ? page : page.slice(0, q.maxNodes);
  const edges = extra === undefined ? pageEdges : pageEdges.filter((e) => e.up !== extra && e.down !== extra);
  return { root: nodes.find((n) => n.depth === 0), nodes, edges, truncated: extra !== undefined };
}
