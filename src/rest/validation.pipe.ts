import { ValidationPipe, type ValidationError as ClassValidatorError } from '@nestjs/common';
import type { FieldProblem } from '../domain/errors.js';
import { invalidInput } from '../edge/invalid-input.js';

export { invalidInput };

/**
 * The global input pipe of the REST and GraphQL edges: class-validator DTOs, unknown fields refused, and
 * every problem reported once as `ValidationError INVALID_INPUT` with field-level messages
 * (`{ error: { code, message, fields: [{ path, message }] } }`, status 400). Nothing runs
 * (and nothing is appended) when the input is refused.
 */
export function inputPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validateCustomDecorators: false,
    stopAtFirstError: false,
    exceptionFactory: (errors) => invalidInput(flatten(errors)),
  });
}

function flatten(errors: readonly ClassValidatorError[], prefix = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const path = prefix === '' ? e.property : /^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : `${prefix}.${e.property}`;
    for (const message of Object.values(e.constraints ?? {})) out.push({ path, message });
    if (e.children && e.children.length > 0) out.push(...flatten(e.children, path));
  }
  return out;
}
