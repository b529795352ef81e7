import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError as ClassValidatorError } from 'class-validator';
import { ValidationError, type FieldProblem } from '../domain/errors.js';

/** Every problem of a refused input, reported once as `ValidationError INVALID_INPUT` with field-level messages. */
export function invalidInput(fields: readonly FieldProblem[]): ValidationError {
  const first = fields[0];
  const more = fields.length > 1 ? ` (and ${fields.length - 1} more)` : '';
  return new ValidationError(
    'INVALID_INPUT',
    first ? `invalid input: ${first.path}: ${first.message}${more}: fix the fields listed and send again` : 'invalid input',
    fields,
  );
}

/** class-validator's nested errors as `{ path, message }` lines (`a.b[0].c`). */
export function flatten(errors: readonly ClassValidatorError[], prefix = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const path = prefix === '' ? e.property : /^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : `${prefix}.${e.property}`;
    for (const message of Object.values(e.constraints ?? {})) out.push({ path, message });
    if (e.children && e.children.length > 0) out.push(...flatten(e.children, path));
  }
  return out;
}

/**
 * Validates a plain object against a DTO class with the pipe's options (unknown fields refused)
 * and returns the instance; throws INVALID_INPUT with every problem, each path passed through
 * `rename` (to name the field as the caller sent it).
 */
export function validateAs<T extends object>(cls: new () => T, plain: object, rename: (path: string) => string = (p) => p): T {
  const instance = plainToInstance(cls, plain);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: false });
  if (errors.length > 0) throw invalidInput(flatten(errors).map((f) => ({ ...f, path: rename(f.path) })));
  return instance;
}
