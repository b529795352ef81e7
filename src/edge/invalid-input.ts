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
