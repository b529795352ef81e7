import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

export const MAX_DEPTH = 8;
export const MAX_COMPLEXITY = 20_000;
/** The page size assumed for a list field without `first`. */
const DEFAULT_LIST = 50;
/** The page size assumed for `first: $variable` (the largest page a resolver allows). */
const MAX_VARIABLE_PAGE = 500;

/**
 * Refuses operations nested deeper than MAX_DEPTH, or whose estimated cost passes
 * MAX_COMPLEXITY: every field costs 1, and a field with a `first` argument multiplies what it
 * selects by `first` (50 when absent on a paged field). Checked before execution.
 */
export function operationLimits(maxDepth = MAX_DEPTH, maxComplexity = MAX_COMPLEXITY): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    const measure = (set: SelectionSetNode | undefined, depth: number, seen: ReadonlySet<string>): { depth: number; cost: number } => {
      if (!set) return { depth, cost: 0 };
      let maxD = depth;
      let cost = 0;
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) {
          if (s.name.value.startsWith('__')) continue;
          const inner = measure(s.selectionSet, depth + 1, seen);
          const firstArg = s.arguments?.find((a) => a.name.value === 'first');
          let multiplier = 1;
          if (firstArg?.value.kind === Kind.INT) multiplier = Number(firstArg.value.value);
          else if (firstArg?.value.kind === Kind.VARIABLE)
            multiplier = MAX_VARIABLE_PAGE; // worst case: values are not known here
          else if (s.name.value === 'auditTrail') multiplier = DEFAULT_LIST;
          cost += 1 + Math.max(1, multiplier) * inner.cost;
          maxD = Math.max(maxD, inner.depth);
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          const inner = measure(s.selectionSet, depth, seen);
          cost += inner.cost;
          maxD = Math.max(maxD, inner.depth);
        } else {
          const name = s.name.value;
          const f = fragments.get(name);
          if (!f || seen.has(name)) continue; // unknown or cyclic fragments are reported by the standard rules
          const inner = measure(f.selectionSet, depth, new Set([...seen, name]));
          cost += inner.cost;
          maxD = Math.max(maxD, inner.depth);
        }
      }
      return { depth: maxD, cost };
    };
    return {
      OperationDefinition(node) {
        const { depth, cost } = measure(node.selectionSet, 0, new Set());
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`the operation is nested ${depth} levels deep; at most ${maxDepth} are allowed: ask for fewer nested fields`, {
              nodes: [node],
              extensions: { code: 'QUERY_TOO_DEEP', ledgerCode: 'QUERY_TOO_DEEP', status: 400 },
            }),
          );
        } else if (cost > maxComplexity) {
          context.reportError(
            new GraphQLError(
              `the operation's estimated cost is ${cost}; at most ${maxComplexity} is allowed: ask for smaller pages or fewer fields`,
              {
                nodes: [node],
                extensions: { code: 'QUERY_TOO_COMPLEX', ledgerCode: 'QUERY_TOO_COMPLEX', status: 400 },
              },
            ),
          );
        }
      },
    };
  };
}
