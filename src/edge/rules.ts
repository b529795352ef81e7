import { Length, Matches, registerDecorator, type ValidationOptions } from 'class-validator';
import { OWNER_ID, PROJECT_ID } from '../domain/project/project.js';

/**
 * The input rules the REST DTOs (src/rest/dto) and the GraphQL input types (src/graphql/inputs)
 * share: one pattern and one message per kind of value, so both edges refuse the same input with
 * the same words. Each takes class-validator options: `{ each: true }` for arrays, `{ message }` to
 * name the value in its context (e.g. 'the id of the run that produced the model').
 */
type Rule = (options?: ValidationOptions) => PropertyDecorator;

const matches =
  (pattern: RegExp, message: string): Rule =>
  (options) =>
    Matches(pattern, { message, ...options });

export const ENTITY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const ENTITY_ID_MESSAGE = 'letters, digits, . _ : - (1 to 128 characters, starting with a letter or digit)';
export const DIGEST = /^sha256:[0-9a-f]{64}$/;
export const DIGEST_MESSAGE = '"sha256:" followed by 64 lowercase hex characters';
const COMMIT = /^([0-9a-f]{40}|[0-9a-f]{64})$/;
const APPROVER_ROLE = /^[a-z][a-z0-9_-]{0,63}$/;
const STAGE = /^[a-z][a-z0-9-]{0,39}$/;
const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/** Largest JSON object accepted as run parameters. */
export const MAX_PARAMETERS_BYTES = 16 * 1024;

/** A run id, a project id in a run request, any ledger entity id. */
export const IsEntityId: Rule = matches(ENTITY_ID, ENTITY_ID_MESSAGE);
export const IsDigest: Rule = matches(DIGEST, DIGEST_MESSAGE);
export const IsCommit: Rule = matches(COMMIT, '40 or 64 lowercase hex characters');
export const IsSha256Hex: Rule = matches(/^[0-9a-f]{64}$/, 'the SHA-256 of the content: 64 lowercase hex characters');
export const IsCheckId: Rule = matches(/^[a-z][a-z0-9_-]{0,63}$/, 'a check id of the run plan: lowercase letters, digits, _ and -');
export const IsApproverRole: Rule = matches(APPROVER_ROLE, 'the approver role of the plan, e.g. approver or security');
export const IsWaiverId: Rule = matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'a waiver id: letters, digits, . _ : - (1 to 64)');
export const IsUtcMillis: Rule = matches(
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
  'RFC 3339 UTC with milliseconds, e.g. 2026-02-28T00:00:00.000Z',
);
export const IsEnvironment: Rule = matches(/^[a-z][a-z0-9-]{0,31}$/, 'an environment such as staging or production');
export const IsStage: Rule = matches(STAGE, 'a stage such as staging or production (lowercase letters, digits, -)');
export const IsModelName: Rule = matches(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'a model name: lowercase letters, digits, . _ - (1 to 100)');
export const IsModelVersion: Rule = matches(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/, 'a version such as v3.4.1 (letters, digits, . _ + -)');
export const IsDatasetRef: Rule = matches(
  /^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}@[A-Za-z0-9._:-]{1,100}$/,
  'dataset@version, e.g. curated/tx@2025-06-01',
);
/** A job id or a partition id (dt=2025-06-01, curated/tx_2025). */
export const IsPathId: Rule = matches(/^[A-Za-z0-9][A-Za-z0-9._:=/-]{0,199}$/, 'letters, digits, . _ : = / - (1 to 200)');
export const IsTool: Rule = matches(/^[A-Za-z0-9][A-Za-z0-9._@/+-]{0,99}$/, 'the tool, e.g. semgrep@1.90.0');
export const IsMetricName: Rule = matches(METRIC_NAME, 'a metric name: a letter, then letters, digits, _ . - (1 to 64)');
export const IsFindingSeverity: Rule = matches(/^(INFO|LOW|MEDIUM|HIGH|CRITICAL)$/, 'INFO, LOW, MEDIUM, HIGH or CRITICAL');
/** Why a run is vetoed, a waiver revoked, a key retired... */
export const IsReason = (what: string): PropertyDecorator => Length(1, 2000, { message: `${what} (1 to 2000 characters)` });
export const IsJustification = (): PropertyDecorator =>
  Length(10, 2000, { message: 'why the exception is acceptable (10 to 2000 characters)' });

/** An object of metric name → finite number, at most 200 of them (a check report's metrics). */
export function isMetrics(v: unknown): boolean {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.keys(v).length <= 200 &&
    Object.entries(v).every(([k, x]) => METRIC_NAME.test(k) && typeof x === 'number' && Number.isFinite(x))
  );
}

export function IsMetrics(options?: ValidationOptions): PropertyDecorator {
  return custom('isMetrics', isMetrics, 'an object of metric name → finite number, e.g. { "coverage": 0.83 }', options);
}

/** A JSON object of at most 16 KiB (run parameters). */
export function isSmallJsonObject(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && JSON.stringify(v).length <= MAX_PARAMETERS_BYTES;
}

export function IsSmallJsonObject(options?: ValidationOptions): PropertyDecorator {
  return custom('isSmallJsonObject', isSmallJsonObject, 'a JSON object of at most 16 KiB', options);
}

/** The same, sent as JSON text (GraphQL has no JSON scalar here). */
export function IsSmallJsonObjectText(options?: ValidationOptions): PropertyDecorator {
  const valid = (v: unknown): boolean => {
    if (typeof v !== 'string') return false;
    try {
      return isSmallJsonObject(JSON.parse(v));
    } catch {
      return false;
    }
  };
  return custom('isSmallJsonObjectText', valid, 'JSON text of an object of at most 16 KiB, e.g. "{\\"branch\\":\\"main\\"}"', options);
}

function custom(name: string, validate: (v: unknown) => boolean, message: string, options?: ValidationOptions): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: object.constructor,
      propertyName: propertyName as string,
      options: { message, ...options },
      validator: { validate },
    });
}

/** A project id as the project registry accepts it (src/domain/project). */
export const IsProjectId: Rule = matches(PROJECT_ID, 'a project id: 1 to 64 of a-z 0-9 . _ -, such as ml-service-123');
/** A pseudonymous owner (team:..., usr:...), never a name or an e-mail address. */
export const IsOwnerId: Rule = matches(OWNER_ID, 'a pseudonymous owner such as team:risk-models or usr:1f2e... (never a name or e-mail)');
export const IsDatasetVersion: Rule = matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'a dataset version');
export const IsSanityCheckName: Rule = matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'a check name');
export const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/;
export const IsMediaType: Rule = matches(MEDIA_TYPE, 'a media type such as application/json or text/plain');
