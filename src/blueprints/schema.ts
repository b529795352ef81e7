import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ValidationError } from '../domain/errors.js';

/** blueprints/schema/blueprint.schema.json, from the repository root (src/ or dist/src/). */
const SCHEMA_URL = [
  new URL('../../blueprints/schema/blueprint.schema.json', import.meta.url),
  new URL('../../../blueprints/schema/blueprint.schema.json', import.meta.url),
];

let compiled: ValidateFunction | undefined;

export function blueprintSchema(): object {
  for (const url of SCHEMA_URL) {
    try {
      return JSON.parse(readFileSync(url, 'utf8')) as object;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  throw new Error('blueprints/schema/blueprint.schema.json not found next to the installation');
}

/** The schema's validator: all errors, strict schema. */
export function schemaValidator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: true, verbose: true }).compile(blueprintSchema());
  return compiled;
}

export type SchemaError = ErrorObject;

/**
 * Throws INVALID_BLUEPRINT (every schema problem, by path) unless `value` matches the schema:
 * for definitions that do not come from a file (API callers). Files go through load.ts, which
 * also gives line numbers.
 */
export function assertBlueprintShape(value: unknown): void {
  const validate = schemaValidator();
  if (validate(value)) return;
  const problems = (validate.errors ?? []).map((e) => ({
    path: e.instancePath === '' ? '(document)' : e.instancePath,
    message:
      e.keyword === 'enum'
        ? `expected one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ')}`
        : e.keyword === 'additionalProperties'
          ? `unknown property ${String((e.params as { additionalProperty: unknown }).additionalProperty)}`
          : `expected a value that ${e.message ?? 'matches the schema'}`,
  }));
  throw new ValidationError(
    'INVALID_BLUEPRINT',
    `the blueprint does not match blueprints/schema/blueprint.schema.json: ${problems[0]?.path} ${problems[0]?.message}`,
    problems,
  );
}
