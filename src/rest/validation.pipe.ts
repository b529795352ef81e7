import { ValidationPipe } from '@nestjs/common';
import { flatten, invalidInput } from '../edge/invalid-input.js';

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
