import { ValidationError, type FieldProblem } from '../errors.js';
import { DIGEST_PATTERN } from './plan.js';
import { epochMs } from './time.js';
import type { CheckReport, RunInputs, RunTrigger } from './types.js';

/** Aggregate ids (run, project, key): safe in a stream name. */
export const ENTITY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/** Pseudonymous principal ids: `usr:...`, `svc:...`, `wrk:...`, never a name or an e-mail. */
export const PRINCIPAL_ID = /^[a-z]{2,16}:[A-Za-z0-9._-]{1,128}$/;
const COMMIT = /^([0-9a-f]{40}|[0-9a-f]{64})$/;
const ENVIRONMENT = /^[a-z][a-z0-9-]{0,31}$/;
const SEVERITIES = new Set(['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
/** Five fields (minute hour day month weekday) or six (with seconds); each a cron token. */
const CRON_FIELD = /^(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?)*$/;
const CRON_MACRO = /^@(yearly|annually|monthly|weekly|daily|hourly)$/;

export function fail(code: string, what: string, problems: FieldProblem[]): never {
  throw new ValidationError(code, `${what}: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, problems);
}

export function text(value: unknown, min: number, max: number): boolean {
  return typeof value === 'string' && value.trim().length >= min && value.length <= max;
}

export function triggerProblems(t: RunTrigger): FieldProblem[] {
  const p: FieldProblem[] = [];
  const need = (ok: boolean, path: string, message: string) => ok || p.push({ path: `trigger.${path}`, message });
  switch (t?.kind) {
    case 'manual':
      need(text(t.reason, 1, 500), 'reason', '1 to 500 characters');
      break;
    case 'commit':
      need(text(t.repository, 1, 300), 'repository', '1 to 300 characters');
      need(text(t.ref, 1, 300), 'ref', '1 to 300 characters, e.g. refs/heads/main');
      need(COMMIT.test(t.commit), 'commit', '40 or 64 lowercase hex characters');
      break;
    case 'pull_request':
      need(text(t.repository, 1, 300), 'repository', '1 to 300 characters');
      need(Number.isInteger(t.number) && t.number > 0, 'number', 'a positive integer');
      need(COMMIT.test(t.headCommit), 'headCommit', '40 or 64 lowercase hex characters');
      need(text(t.baseRef, 1, 300), 'baseRef', '1 to 300 characters');
      break;
    case 'dataset_version':
      need(text(t.dataset, 1, 300), 'dataset', '1 to 300 characters');
      need(text(t.version, 1, 100), 'version', '1 to 100 characters');
      break;
    case 'model_registered':
      need(text(t.model, 1, 300), 'model', '1 to 300 characters');
      need(text(t.version, 1, 100), 'version', '1 to 100 characters');
      need(DIGEST_PATTERN.test(t.digest), 'digest', 'expected sha256:<64 hex>');
      break;
    case 'key_rotation':
      need(ENTITY_ID.test(t.keyId), 'keyId', 'a managed key id');
      need(Number.isInteger(t.keyVersion) && t.keyVersion >= 1, 'keyVersion', 'a positive integer');
      break;
    case 'schedule':
      need(text(t.scheduleId, 1, 128), 'scheduleId', '1 to 128 characters');
      need(isCron(t.cron), 'cron', 'a cron expression of 5 or 6 fields, e.g. "0 3 * * *", or @daily');
      need(epochMs(t.fireTime) !== undefined, 'fireTime', 'RFC 3339 UTC with milliseconds');
      break;
    default:
      p.push({
        path: 'trigger.kind',
        message: 'one of manual, commit, pull_request, dataset_version, model_registered, key_rotation, schedule',
      });
  }
  return p;
}

export function isCron(expression: unknown): boolean {
  if (typeof expression !== 'string' || expression.length > 200) return false;
  if (CRON_MACRO.test(expression.trim())) return true;
  const fields = expression.trim().split(/\s+/);
  return (fields.length === 5 || fields.length === 6) && fields.every((f) => CRON_FIELD.test(f));
}

export function inputsProblems(i: RunInputs): FieldProblem[] {
  const p: FieldProblem[] = [];
  if (i === null || typeof i !== 'object') return [{ path: 'inputs', message: 'an object' }];
  if (i.commit !== undefined && !COMMIT.test(i.commit)) p.push({ path: 'inputs.commit', message: '40 or 64 lowercase hex characters' });
  if (!Array.isArray(i.datasets as unknown)) p.push({ path: 'inputs.datasets', message: 'an array' });
  else
    i.datasets.forEach((d, k) => {
      if (!text(d.id, 1, 300)) p.push({ path: `inputs.datasets[${k}].id`, message: '1 to 300 characters' });
      if (!text(d.version, 1, 100)) p.push({ path: `inputs.datasets[${k}].version`, message: 'a pinned version (1 to 100 characters)' });
      else if (d.version.toLowerCase() === 'latest')
        p.push({ path: `inputs.datasets[${k}].version`, message: 'pin a version, not latest' });
    });
  if (!Array.isArray(i.models as unknown)) p.push({ path: 'inputs.models', message: 'an array' });
  else
    i.models.forEach((m, k) => {
      if (!text(m.name, 1, 300)) p.push({ path: `inputs.models[${k}].name`, message: '1 to 300 characters' });
      if (!DIGEST_PATTERN.test(m.digest))
        p.push({ path: `inputs.models[${k}].digest`, message: 'pin the model by digest sha256:<64 hex>' });
    });
  if (i.parameters === null || typeof i.parameters !== 'object' || Array.isArray(i.parameters)) {
    p.push({ path: 'inputs.parameters', message: 'a JSON object' });
  }
  return p;
}

export function environmentOk(env: string): boolean {
  return ENVIRONMENT.test(env);
}

export function reportProblems(r: CheckReport): FieldProblem[] {
  const p: FieldProblem[] = [];
  if (!r || !['PASS', 'FAIL', 'WARNING'].includes(r.outcome)) return [{ path: 'report.outcome', message: 'PASS, FAIL or WARNING' }];
  if (r.metrics === null || typeof r.metrics !== 'object' || Array.isArray(r.metrics)) {
    p.push({ path: 'report.metrics', message: 'an object of finite numbers' });
  } else {
    for (const [k, v] of Object.entries(r.metrics)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) p.push({ path: `report.metrics.${k}`, message: 'a finite number' });
    }
  }
  if (!Array.isArray(r.findings as unknown)) p.push({ path: 'report.findings', message: 'an array' });
  else {
    const ids = new Set<string>();
    r.findings.forEach((f, k) => {
      if (!text(f.id, 1, 200)) p.push({ path: `report.findings[${k}].id`, message: '1 to 200 characters' });
      if (ids.has(f.id)) p.push({ path: `report.findings[${k}].id`, message: `duplicate finding id ${f.id}` });
      ids.add(f.id);
      if (!SEVERITIES.has(f.severity)) p.push({ path: `report.findings[${k}].severity`, message: 'INFO, LOW, MEDIUM, HIGH or CRITICAL' });
    });
  }
  if (!Array.isArray(r.evidence as unknown)) p.push({ path: 'report.evidence', message: 'an array of sha256 digests' });
  else
    r.evidence.forEach((d, k) => {
      if (!DIGEST_PATTERN.test(d)) p.push({ path: `report.evidence[${k}]`, message: 'expected sha256:<64 hex>' });
    });
  return p;
}
