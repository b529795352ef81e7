import { policyProblems } from '../policy/engine.js';
import { BLUEPRINT_ID, stageDependencies, type BlueprintDefinition } from './types.js';

/** A problem at a path of the blueprint document, e.g. ['stages', 2, 'checks', 0, 'type']. */
export interface BlueprintProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * What the JSON Schema cannot check: unique names, the stage DAG (unknown stages, cycles),
 * check `needs` (known, reachable, acyclic), and approval rules that compile. Assumes the
 * document already matches the schema.
 */
export function semanticProblems(bp: BlueprintDefinition): BlueprintProblem[] {
  const problems: BlueprintProblem[] = [];
  const add = (path: (string | number)[], message: string) => problems.push({ path, message });

  if (!BLUEPRINT_ID.test(bp.id)) add(['id'], `expected a lowercase id like ds-batch (got "${bp.id}")`);

  const stageIndex = new Map<string, number>();
  bp.stages.forEach((s, i) => {
    if (stageIndex.has(s.name)) add(['stages', i, 'name'], `expected a unique stage name ("${s.name}" is already stages[${stageIndex.get(s.name)}])`);
    else stageIndex.set(s.name, i);
  });
  const deps = stageDependencies(bp.stages);
  bp.stages.forEach((s, i) =>
    (s.depends_on ?? []).forEach((d, j) => {
      if (!stageIndex.has(d)) add(['stages', i, 'depends_on', j], `expected the name of another stage: one of ${[...stageIndex.keys()].join(', ')} (got "${d}")`);
      else if (d === s.name) add(['stages', i, 'depends_on', j], `expected another stage (a stage cannot depend on itself)`);
    }),
  );
  const stageCycle = findCycle([...stageIndex.keys()], (n) => (deps.get(n) ?? []).filter((d) => stageIndex.has(d) && d !== n));
  if (stageCycle) {
    const at = stageIndex.get(stageCycle[0] as string) as number;
    add(['stages', at, 'depends_on'], `expected stages without a cycle (found ${stageCycle.join(' -> ')})`);
  }

  // Checks: ids unique across the blueprint (the policy names them), needs resolvable and acyclic.
  const checkAt = new Map<string, { stage: number; check: number }>();
  bp.stages.forEach((s, si) =>
    s.checks.forEach((c, ci) => {
      const prev = checkAt.get(c.id);
      if (prev) add(['stages', si, 'checks', ci, 'id'], `expected a check id unique in the blueprint ("${c.id}" is already stages[${prev.stage}].checks[${prev.check}])`);
      else checkAt.set(c.id, { stage: si, check: ci });
    }),
  );
  const upstream = stageCycle ? undefined : ancestors(deps);
  bp.stages.forEach((s, si) =>
    s.checks.forEach((c, ci) => {
      if (c.run_if !== undefined && (c.needs ?? []).length === 0) {
        add(['stages', si, 'checks', ci, 'run_if'], 'expected run_if only together with needs (the checks it depends on)');
      }
      (c.needs ?? []).forEach((n, ni) => {
        const at = checkAt.get(n);
        const path = ['stages', si, 'checks', ci, 'needs', ni];
        if (!at) add(path, `expected the id of a check of this blueprint (got "${n}")`);
        else if (n === c.id) add(path, 'expected another check (a check cannot need itself)');
        else if (at.stage !== si && upstream && !upstream.get(s.name)?.has(bp.stages[at.stage]?.name ?? '')) {
          add(path, `expected a check of stage "${s.name}" or of a stage it depends on ("${n}" is in stage "${bp.stages[at.stage]?.name}")`);
        }
      });
    }),
  );
  const checkIds = [...checkAt.keys()];
  const needsOf = new Map<string, readonly string[]>();
  for (const s of bp.stages) for (const c of s.checks) needsOf.set(c.id, (c.needs ?? []).filter((n) => checkAt.has(n) && n !== c.id));
  const checkCycle = findCycle(checkIds, (id) => needsOf.get(id) ?? []);
  if (checkCycle) {
    const at = checkAt.get(checkCycle[0] as string) as { stage: number; check: number };
    add(['stages', at.stage, 'checks', at.check, 'needs'], `expected checks without a cycle (found ${checkCycle.join(' -> ')})`);
  }

  for (const p of policyProblems(bp.policies.approval)) add(['policies', 'approval', ...p.path], p.message);
  return problems;
}

/** A cycle as a list of nodes (first repeated at the end), or undefined. Deterministic: nodes in the given order. */
export function findCycle(nodes: readonly string[], edges: (n: string) => readonly string[]): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'visiting') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'visiting');
    stack.push(n);
    for (const m of edges(n)) {
      const found = visit(m);
      if (found) return found;
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of nodes) {
    const found = visit(n);
    if (found) return found;
  }
  return undefined;
}

/** For each stage, every stage it depends on directly or transitively (the graph must be acyclic). */
export function ancestors(deps: ReadonlyMap<string, readonly string[]>): Map<string, Set<string>> {
  const memo = new Map<string, Set<string>>();
  const of = (n: string): Set<string> => {
    const hit = memo.get(n);
    if (hit) return hit;
    const out = new Set<string>();
    memo.set(n, out);
    for (const d of deps.get(n) ?? []) {
      if (!deps.has(d)) continue;
      out.add(d);
      for (const a of of(d)) out.add(a);
    }
    return out;
  };
  for (const n of deps.keys()) of(n);
  return memo;
}
