import { HttpException } from '@nestjs/common';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { LedgerError, ValidationError } from '../domain/errors.js';

const STATUS: Record<string, number> = {
  ValidationError: 400,
  ConcurrencyError: 409,
  NotFound: 404,
  Forbidden: 403,
  IllegalState: 409,
  Unavailable: 503,
  Unprocessable: 422,
};

/**
 * The GraphQL edge's error mapping: one line, a stable code and the HTTP-like status in `extensions`;
 * a refused input (INVALID_INPUT and the domain's own validation codes) also lists `fields: [{ path, message }]`,
 * paths relative to the operation's `input` argument. 401/403 come from src/auth with wording that never
 * says whether the target exists.
 */
export function toGraphqlError(exception: unknown): GraphQLError {
  if (exception instanceof GraphQLError) return exception;
  if (exception instanceof LedgerError) {
    const fields = exception instanceof ValidationError && exception.problems.length > 0 ? { fields: exception.problems } : {};
    return new GraphQLError(exception.message, { extensions: { code: exception.code, status: STATUS[exception.kind] ?? 500, ...fields } });
  }
  if (exception instanceof HttpException) {
    const body = exception.getResponse() as { code?: unknown };
    const code = typeof body === 'object' && typeof body.code === 'string' ? body.code : `HTTP_${exception.getStatus()}`;
    const status = exception.getStatus();
    // Apollo answers an operation refused for its credentials with that HTTP status (401/403).
    const http = status === 401 ? { http: { status } } : {};
    return new GraphQLError(exception.message, { extensions: { code, status, ...http } });
  }
  process.stderr.write(
    `qledger: unexpected error in a GraphQL operation: ${exception instanceof Error ? exception.message.split('\n')[0] : String(exception)}\n`,
  );
  return new GraphQLError('internal error: see the service log', { extensions: { code: 'INTERNAL', status: 500 } });
}

/**
 * Apollo's formatError: our own errors keep their code and status (also through Apollo's
 * wrappers, e.g. a validation rule's error); GraphQL's own errors (parse, validation) keep
 * Apollo's code; nothing else (no stack trace, no internal message) leaves the service.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  let e: unknown = error;
  for (let i = 0; i < 10 && e instanceof GraphQLError; i++) {
    if (typeof e.extensions['status'] === 'number' && typeof e.extensions['code'] === 'string') break;
    if (!e.originalError) break;
    e = e.originalError;
  }
  const mapped =
    e instanceof GraphQLError && typeof e.extensions['status'] === 'number' ? e : e instanceof GraphQLError ? undefined : toGraphqlError(e);
  const where = { ...(formatted.locations ? { locations: formatted.locations } : {}), ...(formatted.path ? { path: formatted.path } : {}) };
  if (mapped) {
    // Apollo replaces the code of a validation rule's error: such errors also carry it as ledgerCode.
    const code = mapped.extensions['ledgerCode'] ?? mapped.extensions['code'];
    const fields = Array.isArray(mapped.extensions['fields']) ? { fields: mapped.extensions['fields'] } : {};
    return { message: mapped.message, ...where, extensions: { code, status: mapped.extensions['status'], ...fields } };
  }
  return { message: formatted.message, ...where, extensions: { code: formatted.extensions?.['code'] ?? 'GRAPHQL_ERROR' } };
}
