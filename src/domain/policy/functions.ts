import { Environment } from '@marcbachmann/cel-js';
import { SEVERITIES, severityRank } from '../blueprint/types.js';
import type { CheckResult, Finding, Observation, PolicyInput, Waiver } from './types.js';

/**
 * The functions an approval rule may call (CEL, no JS eval). Each call is recorded with the
 * value it returned and what that value was made of, so the explanation shows what the
 * engine saw. Pure: everything comes from the PolicyInput.
 */
export const POLICY_FUNCTIONS = [
  'all_required_checks_pass(): bool',
  'no_vulnerabilities_with_severity_at_or_above(string): bool',
  'no_crypto_anti_patterns_detected(): bool',
  'metric(string): double',
  'has_metric(string): bool',
  'check_status(string): string',
  'check_passed(string): bool',
] as const;

/** Variables a rule may read. */
export const POLICY_VARIABLES = { environment: 'string' } as const;

const PASSING = new Set(['PASS', 'WARNING']);
const CRYPTO_CHECK_TYPES = new Set(['CRYPTO_ANALYSIS', 'CRYPTO_POLICY']);

/** A failure the rule cannot be evaluated past (an unknown metric, a bad severity): the condition does not hold. */
export class RuleError extends Error {}

export interface ActiveWaivers {
  readonly checks: ReadonlyMap<string, Waiver>;
  readonly findings: ReadonlyMap<string, Waiver>;
  readonly conditions: ReadonlyMap<string, Waiver>;
}

export function activeWaivers(input: PolicyInput): ActiveWaivers {
  const checks = new Map<string, Waiver>();
  const findings = new Map<string, Waiver>();
  const conditions = new Map<string, Waiver>();
  // Sorted by id so that the waiver named for a target does not depend on input order.
  for (const w of [...input.waivers].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    if (!(input.evaluatedAt < w.expiresAt)) continue;
    if (w.effectiveFrom !== undefined && input.evaluatedAt < w.effectiveFrom) continue;
    const t = w.target;
    if ('check' in t) setOnce(checks, t.check, w);
    else if ('finding' in t) setOnce(findings, t.finding, w);
    else setOnce(conditions, t.condition, w);
  }
  return { checks, findings, conditions };
}

function setOnce(m: Map<string, Waiver>, k: string, w: Waiver): void {
  if (!m.has(k)) m.set(k, w);
}

/** Records calls for one condition. */
export class Recorder {
  observed: Observation[] = [];
  waivedBy = new Set<string>();
}

const quote = (s: string): string => `'${s.replaceAll("'", "\\'")}'`;

export function policyEnvironment(input: PolicyInput, waivers: ActiveWaivers, rec: () => Recorder): Environment {
  const byId = new Map<string, CheckResult>(input.checks.map((c) => [c.id, c]));
  const observe = <T extends Observation['value']>(call: string, value: T, details?: Record<string, unknown>): T => {
    rec().observed.push(details === undefined ? { call, value } : { call, value, details });
    return value;
  };
  const unwaivedFindings = (keep: (f: Finding, c: CheckResult) => boolean) => {
    const hits: { check: string; finding: string; severity: string }[] = [];
    for (const c of input.checks)
      for (const f of c.findings) {
        if (!keep(f, c)) continue;
        const w = waivers.findings.get(f.id);
        if (w) rec().waivedBy.add(w.id);
        else hits.push({ check: c.id, finding: f.id, severity: f.severity.toUpperCase() });
      }
    return hits;
  };
  const passed = (c: CheckResult | undefined): boolean => {
    if (!c) return false;
    if (PASSING.has(c.status)) return true;
    const w = waivers.checks.get(c.id);
    if (w) rec().waivedBy.add(w.id);
    return w !== undefined;
  };

  return new Environment({ limits: { maxAstNodes: 2000, maxDepth: 50, maxListElements: 200, maxMapEntries: 200, maxCallArguments: 8 } })
    .registerVariable('environment', POLICY_VARIABLES.environment)
    .registerFunction('all_required_checks_pass(): bool', () => {
      const failing = input.checks.filter((c) => c.required && !passed(c)).map((c) => ({ check: c.id, status: c.status }));
      return observe('all_required_checks_pass()', failing.length === 0, {
        failing,
        required: input.checks.filter((c) => c.required).length,
      });
    })
    .registerFunction('no_vulnerabilities_with_severity_at_or_above(string): bool', (severity: string) => {
      const rank = severityRank(severity);
      if (rank < 0) throw new RuleError(`unknown severity ${quote(severity)}: expected one of ${SEVERITIES.join(', ')}`);
      const hits = unwaivedFindings((f) => severityRank(f.severity) >= rank);
      return observe(`no_vulnerabilities_with_severity_at_or_above(${quote(severity)})`, hits.length === 0, { findings: hits });
    })
    .registerFunction('no_crypto_anti_patterns_detected(): bool', () => {
      const hits = unwaivedFindings(
        (f, c) => (CRYPTO_CHECK_TYPES.has(c.type) || f.category === 'crypto-anti-pattern') && f.severity.toUpperCase() !== 'INFO',
      );
      return observe('no_crypto_anti_patterns_detected()', hits.length === 0, { findings: hits });
    })
    .registerFunction('metric(string): double', (name: string) => {
      const found = findMetric(input.checks, name);
      if (!found) {
        observe(`metric(${quote(name)})`, null, { reportedBy: [] });
        throw new RuleError(`metric ${quote(name)} was not reported by any check`);
      }
      return observe(`metric(${quote(name)})`, found.value, { check: found.check });
    })
    .registerFunction('has_metric(string): bool', (name: string) =>
      observe(`has_metric(${quote(name)})`, findMetric(input.checks, name) !== undefined),
    )
    .registerFunction('check_status(string): string', (id: string) =>
      observe(`check_status(${quote(id)})`, byId.get(id)?.status ?? 'MISSING'),
    )
    .registerFunction('check_passed(string): bool', (id: string) => observe(`check_passed(${quote(id)})`, passed(byId.get(id))));
}

/**
 * `metric('coverage')`: the metric of that name, which exactly one check may report (else
 * ambiguous); `metric('unit_tests.coverage')`: the metric `coverage` of check `unit_tests`.
 * An exact name (dots included, e.g. `model.auc`) wins over the check-qualified reading.
 */
export function findMetric(checks: readonly CheckResult[], name: string): { value: number; check: string } | undefined {
  const exact = checks.filter((c) => Object.hasOwn(c.metrics, name));
  if (exact.length > 1) {
    const values = new Set(exact.map((c) => c.metrics[name]));
    if (values.size > 1) {
      throw new RuleError(
        `metric ${quote(name)} is reported by several checks (${exact.map((c) => c.id).join(', ')}): write metric('<check id>.${name}')`,
      );
    }
  }
  const first = exact[0];
  if (first) return { value: first.metrics[name] as number, check: first.id };
  const dot = name.indexOf('.');
  if (dot > 0) {
    const check = checks.find((c) => c.id === name.slice(0, dot));
    const metric = name.slice(dot + 1);
    if (check && Object.hasOwn(check.metrics, metric)) return { value: check.metrics[metric] as number, check: check.id };
  }
  return undefined;
}
