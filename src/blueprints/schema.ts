import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

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
