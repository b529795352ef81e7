import type pg from 'pg';
import type { BatchEvent } from '../../domain/batch/batch.js';
import type { BlueprintEvent } from '../../domain/blueprint/blueprint.js';
import type { DecisionEvent } from '../../domain/decision/types.js';
import type { ModelEvent } from '../../domain/model/model.js';
import type { RunEvent } from '../../domain/run/types.js';
import type { Projection, ProjectedEvent } from '../projection.js';
import { insertMany, jsonb, streamId } from '../rm-common/sql.js';
import { LINEAGE_MIGRATIONS } from './migrations.js';
import { nodeId, splitDatasetRef, type LineageEdgeKind, type LineageNodeKind } from './nodes.js';

interface NodeRow {
  id: string;
  kind: LineageNodeKind;
  label: string;
  projectId: string | null;
  attrs: Record<string, unknown>;
  position: number;
}

/**
 * The lineage graph (seeds 000 and 002): datasets@version, models@digest, code commits,
 * blueprints@version, runs and decisions, joined by CONSUMED, PRODUCED, TRAINED_ON,
 * DERIVED_FROM, EVALUATED_BY and APPROVED. Each batch is folded in memory, in log order, into
 * one upsert of nodes and one insert of edges; the merge rules (first project wins, later attributes
 * overwrite, first edge position kept) are the same in memory and in SQL, so live batches and a
 * rebuild give the same rows.
 */
export const lineageProjection: Projection = {
  name: 'lineage',
  version: 1,
  migrations: LINEAGE_MIGRATIONS,
  tables: ['ql_lineage_nodes', 'ql_lineage_edges'],
  categories: ['blueprint', 'run', 'decision', 'model', 'batch'],
  async apply(events: readonly ProjectedEvent[], tx: pg.PoolClient): Promise<void> {
    const g = new GraphBatch();
    for (const e of events) g.add(e);
    await g.flush(tx);
  },
};

class GraphBatch {
  private readonly nodes = new Map<string, NodeRow>();
  private readonly edges = new Map<string, [string, string, LineageEdgeKind, number]>();

  node(
    id: string,
    kind: LineageNodeKind,
    label: string,
    position: number,
    projectId: string | null = null,
    attrs: Record<string, unknown> = {},
  ): string {
    const old = this.nodes.get(id);
    if (!old) this.nodes.set(id, { id, kind, label, projectId, attrs, position });
    else this.nodes.set(id, { ...old, projectId: old.projectId ?? projectId, attrs: { ...old.attrs, ...attrs } });
    return id;
  }

  edge(up: string, down: string, kind: LineageEdgeKind, position: number): void {
    const key = `${up}\u0000${down}\u0000${kind}`;
    if (!this.edges.has(key)) this.edges.set(key, [up, down, kind, position]);
  }

  dataset(id: string, version: string, position: number): string {
    return this.node(nodeId.dataset(id, version), 'DATASET', `${id}@${version}`, position, null, { dataset: id, version });
  }

  model(name: string, digest: string, position: number, attrs: Record<string, unknown> = {}): string {
    return this.node(nodeId.model(name, digest), 'MODEL', `${name}@${digest}`, position, null, { model: name, digest, ...attrs });
  }

  add(e: ProjectedEvent): void {
    const stream = e.recorded.stream;
    const position = e.recorded.position;
    const category = stream.slice(0, stream.indexOf('-'));
    const ev = { type: e.envelope.type, data: e.envelope.data };
    switch (category) {
      case 'blueprint':
        return this.blueprint(ev as BlueprintEvent, position);
      case 'run':
        return this.run(streamId(stream), ev as RunEvent, position);
      case 'decision':
        return this.decision(streamId(stream), ev as DecisionEvent, position);
      case 'model':
        return this.modelEvent(streamId(stream), ev as ModelEvent, position);
      case 'batch':
        return this.batch(ev as BatchEvent, position);
    }
  }

  private blueprint(ev: BlueprintEvent, position: number): void {
    const d = ev.data;
    const id = this.node(nodeId.blueprint(d.blueprintId, d.version), 'BLUEPRINT', `${d.blueprintId}@${d.version}`, position, null, {
      blueprint: d.blueprintId,
      version: d.version,
    });
    if (ev.type === 'BlueprintVersionRegistered') this.nodes.get(id)!.attrs['digest'] = ev.data.digest;
    if (ev.type === 'BlueprintVersionDeprecated' && ev.data.replacedBy !== null) {
      const next = this.node(
        nodeId.blueprint(d.blueprintId, ev.data.replacedBy),
        'BLUEPRINT',
        `${d.blueprintId}@${ev.data.replacedBy}`,
        position,
        null,
        {
          blueprint: d.blueprintId,
          version: ev.data.replacedBy,
        },
      );
      this.edge(id, next, 'DERIVED_FROM', position);
    }
  }

  private run(runId: string, ev: RunEvent, position: number): void {
    if (ev.type === 'RunRequested') {
      const d = ev.data;
      const run = this.node(nodeId.run(runId), 'RUN', runId, position, d.projectId, {
        environment: d.environment,
        trigger: d.trigger.kind,
        initiator: d.initiator,
      });
      const bp = d.plan.blueprint;
      const blueprint = this.node(nodeId.blueprint(bp.id, bp.version), 'BLUEPRINT', `${bp.id}@${bp.version}`, position, null, {
        blueprint: bp.id,
        version: bp.version,
      });
      this.edge(blueprint, run, 'CONSUMED', position);
      const commits = new Set<string>();
      if (d.inputs.commit) commits.add(d.inputs.commit);
      if (d.trigger.kind === 'commit') commits.add(d.trigger.commit);
      if (d.trigger.kind === 'pull_request') commits.add(d.trigger.headCommit);
      for (const c of commits)
        this.edge(this.node(nodeId.commit(c), 'COMMIT', c, position, null, { commit: c }), run, 'CONSUMED', position);
      for (const ds of d.inputs.datasets) this.edge(this.dataset(ds.id, ds.version, position), run, 'CONSUMED', position);
      for (const m of d.inputs.models) {
        this.edge(this.model(m.name, m.digest, position, m.version ? { version: m.version } : {}), run, 'CONSUMED', position);
      }
      return;
    }
    const status = { RunSucceeded: 'SUCCEEDED', RunFailed: 'FAILED', RunCancelled: 'CANCELLED' }[ev.type as string];
    if (status) this.node(nodeId.run(runId), 'RUN', runId, position, null, { status });
  }

  private decision(runId: string, ev: DecisionEvent, position: number): void {
    if (ev.type === 'DecisionOpened') {
      const decision = this.node(nodeId.decision(runId), 'DECISION', runId, position, ev.data.projectId, {
        environment: ev.data.environment,
      });
      this.edge(this.node(nodeId.run(runId), 'RUN', runId, position, ev.data.projectId), decision, 'EVALUATED_BY', position);
      return;
    }
    const status = { DecisionApproved: 'APPROVED', DecisionRejected: 'REJECTED' }[ev.type as string];
    if (status) this.node(nodeId.decision(runId), 'DECISION', runId, position, null, { status });
  }

  private modelEvent(name: string, ev: ModelEvent, position: number): void {
    switch (ev.type) {
      case 'ModelVersionRegistered': {
        const d = ev.data;
        const model = this.model(d.model, d.digest, position, { version: d.version });
        if (d.runId) this.edge(this.node(nodeId.run(d.runId), 'RUN', d.runId, position), model, 'PRODUCED', position);
        for (const ref of d.trainedOn) {
          const ds = splitDatasetRef(ref);
          if (ds) this.edge(this.dataset(ds.id, ds.version, position), model, 'TRAINED_ON', position);
        }
        return;
      }
      case 'ModelApprovedForStage': {
        // The decision on the run named in the approval (decisions are per run): it depends on the model it approves.
        const model = this.model(name, ev.data.digest, position);
        const decision = this.node(nodeId.decision(ev.data.runId), 'DECISION', ev.data.runId, position);
        this.edge(model, decision, 'APPROVED', position);
        return;
      }
      case 'ModelVersionRevoked':
        this.model(name, ev.data.digest, position, { revoked: ev.data.reason });
        return;
      case 'ModelApprovalRevoked':
        return;
    }
  }

  private batch(ev: BatchEvent, position: number): void {
    const d = ev.data;
    const run = this.node(nodeId.run(d.runId), 'RUN', d.runId, position);
    this.edge(this.dataset(d.dataset.id, d.dataset.version, position), run, 'CONSUMED', position);
    this.edge(this.model(d.model.name, d.model.digest, position), run, 'CONSUMED', position);
  }

  async flush(tx: pg.PoolClient): Promise<void> {
    const nodes = [...this.nodes.values()];
    await insertMany(
      tx,
      'ql_lineage_nodes AS n',
      ['id text', 'kind text', 'label text', 'project_id text', 'attrs jsonb', 'first_position bigint'],
      nodes.map((n) => [n.id, n.kind, n.label, n.projectId, jsonb(n.attrs), n.position]),
      `ON CONFLICT (id) DO UPDATE SET project_id = coalesce(n.project_id, EXCLUDED.project_id), attrs = n.attrs || EXCLUDED.attrs,
         first_position = least(n.first_position, EXCLUDED.first_position)`,
    );
    await insertMany(
      tx,
      'ql_lineage_edges AS e',
      ['up text', 'down text', 'kind text', 'position bigint'],
      [...this.edges.values()],
      'ON CONFLICT DO NOTHING',
    );
  }
}
