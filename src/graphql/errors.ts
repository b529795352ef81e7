import { HttpException } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { LedgerError } from '../domain/errors.js';

const STATUS: Record<string, number> = {
  ValidationError: 400,
  ConcurrencyError: 409,
  NotFound: 404,
  Forbidden: 403,
  IllegalState: 409,
  Unavailable: 503,
};

/** The GraphQL edge's error mapping: one line, a stable code and the HTTP-like status in `extensions`. */
export function toGraphqlError(exception: unknown): GraphQLError {
  if (exception instanceof GraphQLError) return exception;
  if (exception instanceof LedgerError) {
    return new GraphQLError(exception.message, { extensions: { code: exception.code, status: STATUS[exception.kind] ?? 500 } });
  }
  if (exception instanceof HttpException) {
    const body = exception.getResponse() as { code?: unknown };
    const code = typeof body === 'object' && typeof body.code === 'string' ? body.code : `HTTP_${exception.getStatus()}`;
    return new GraphQLError(exception.message, { extensions: { code, status: exception.getStatus() } });
  }
  return new GraphQLError('internal error: see the service log', { extensions: { code: 'INTERNAL', status: 500 } });
}
