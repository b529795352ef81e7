import { policyProblems } from '../policy/engine.js';
import { BLUEPRINT_ID, stageDependencies, type BlueprintDefinition } from './types.js';

/** A problem at a path of the blueprint document, e.g. ['stages', 2, 'checks', 0, 'type']. */
export interface BlueprintProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * What the JSON Schema cannot check: unique names, the stage DAG (unknown stages, cycles),
 * `run_if` conditions on an upstream stage, and approval rules that compile. Assumes the
 * document already matches the schema.
 */
export function semanticProblems(bp: BlueprintDefinition): BlueprintProblem[] {
  const problems: BlueprintProblem[] = [];
  const add = (path: (string | number)[], message: string) => problems.push({ path, message });

  if (!BLUEPRINT_ID.test(bp.id)) add(['id'], `expected a lowercase id like ds-batch (got "${bp.id}")`);

  const stageIndex = new Map<string, number>();
  bp.stages.forEach((s, i) => {
    if (stageIndex.has(s.name))
      add(['stages', i, 'name'], `expected a unique stage name ("${s.name}" is already stages[${stageIndex.get(s.name)}])`);
    else stageIndex.set(s.name, i);
  });
  const deps = stageDependencies(bp.stages);
  bp.stages.forEach((s, i) =>
    (s.depends_on ?? []).forEach((d, j) => {
      if (!stageIndex.has(d))
        add(['stages', i, 'depends_on', j], `expected the name of another stage: one of ${[...stageIndex.keys()].join(', ')} (got "${d}")`);
      else if (d === s.name) add(['stages', i, 'depends_on', j], `expected another stage (a stage cannot depend on itself)`);
    }),
  );
  const stageCycle = findCycle([...stageIndex.keys()], (n) => (deps.get(n) ?? []).filter((d) => stageIndex.has(d) && d !== n));
  if (stageCycle) {
    const at = stageIndex.get(stageCycle[0] as string) as number;
    add(['stages', at, 'depends_on'], `expected stages without a cycle (found ${stageCycle.join(' -> ')})`);
  }

  // run_if names an outcome of a stage this one depends on (directly or not).
  const upstream = stageCycle ? undefined : ancestors(deps);
  bp.stages.forEach((s, i) => {
    if (s.run_if === undefined || !upstream) return;
    if (!upstream.get(s.name)?.has(s.run_if.stage)) {
      const choices = [...(upstream.get(s.name) ?? [])];
      add(
        ['stages', i, 'run_if', 'stage'],
        `expected a stage "${s.name}" depends on${choices.length > 0 ? `: one of ${choices.join(', ')}` : ' (it depends on none: add depends_on)'} (got "${s.run_if.stage}")`,
      );
    }
  });

  // Check ids are unique across the blueprint: the policy, waivers and runs name them.
  const checkAt = new Map<string, { stage: number; check: number }>();
  bp.stages.forEach((s, si) =>
    s.checks.forEach((c, ci) => {
      const prev = checkAt.get(c.id);
      if (prev)
        add(
          ['stages', si, 'checks', ci, 'id'],
          `expected a check id unique in the blueprint ("${c.id}" is already stages[${prev.stage}].checks[${prev.check}])`,
        );
      else checkAt.set(c.id, { stage: si, check: ci });
    }),
  );

  const h = bp.policies.approval.human_approval;
  for (const [env, q] of Object.entries(h?.quorum ?? {})) {
    if (q > 0 && (h?.roles.length ?? 0) === 0)
      add(['policies', 'approval', 'human_approval', 'quorum', env], 'expected human_approval.roles for a quorum above 0');
  }

  // check_passed('x') / check_status('x') must name a check of this blueprint.
  bp.policies.approval.conditions.forEach((c, i) => {
    for (const m of c.rule.matchAll(/check_(?:passed|status)\(\s*(['"])(.*?)\1\s*\)/g)) {
      if (!checkAt.has(m[2] ?? '')) {
        add(['policies', 'approval', 'conditions', i, 'rule'], `expected the id of a check of this blueprint in ${m[0]} (got "${m[2]}")`);
      }
    }
  });

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
