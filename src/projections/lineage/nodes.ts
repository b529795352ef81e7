/** Lineage node ids: `<kind>:<key>`, readable by an auditor and stable across rebuilds. */
export type LineageNodeKind = 'DATASET' | 'MODEL' | 'COMMIT' | 'BLUEPRINT' | 'RUN' | 'DECISION';

export type LineageEdgeKind = 'CONSUMED' | 'PRODUCED' | 'TRAINED_ON' | 'DERIVED_FROM' | 'EVALUATED_BY' | 'APPROVED';

export const nodeId = {
  dataset: (id: string, version: string): string => `dataset:${id}@${version}`,
  model: (name: string, digest: string): string => `model:${name}@${digest}`,
  commit: (sha: string): string => `commit:${sha}`,
  blueprint: (id: string, version: number): string => `blueprint:${id}@${version}`,
  run: (runId: string): string => `run:${runId}`,
  decision: (runId: string): string => `decision:${runId}`,
};

const PREFIX_KIND: Record<string, LineageNodeKind> = {
  dataset: 'DATASET',
  model: 'MODEL',
  commit: 'COMMIT',
  blueprint: 'BLUEPRINT',
  run: 'RUN',
  decision: 'DECISION',
};

/** The kind of a node id, or undefined when the id is not one of ours. */
export function kindOfNode(id: string): LineageNodeKind | undefined {
  const colon = id.indexOf(':');
  if (colon <= 0 || colon === id.length - 1) return undefined;
  return PREFIX_KIND[id.slice(0, colon)];
}

/** `dataset@version` as models record what they were trained on: split at the last `@`. */
export function splitDatasetRef(ref: string): { id: string; version: string } | undefined {
  const at = ref.lastIndexOf('@');
  if (at <= 0 || at === ref.length - 1) return undefined;
  return { id: ref.slice(0, at), version: ref.slice(at + 1) };
}
