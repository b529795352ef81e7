import type { Migration } from '../../pg/migrate.js';

export const LINEAGE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'lineage graph',
    sql: `
CREATE TABLE ql_lineage_nodes (
  id             text   PRIMARY KEY,
  kind           text   NOT NULL,
  label          text   NOT NULL,
  project_id     text,
  attrs          jsonb  NOT NULL DEFAULT '{}',
  first_position bigint NOT NULL
);
CREATE INDEX ql_lineage_nodes_kind ON ql_lineage_nodes (kind);

-- One row per relation, stored in the direction data flows: up is the source, down what came from it.
-- kind names the relation as the seeds read it (see docs/decisions/0047-lineage-graph.md).
CREATE TABLE ql_lineage_edges (
  up       text   NOT NULL,
  down     text   NOT NULL,
  kind     text   NOT NULL,
  position bigint NOT NULL,
  PRIMARY KEY (up, down, kind)
);
CREATE INDEX ql_lineage_edges_down ON ql_lineage_edges (down, up);
`,
  },
];
