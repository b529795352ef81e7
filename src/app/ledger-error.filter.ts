import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { LedgerError, type ErrorKind } from '../domain/errors.js';
import { toGraphqlError } from '../graphql/errors.js';

const STATUS: Record<ErrorKind, number> = {
  ValidationError: 400,
  ConcurrencyError: 409,
  NotFound: 404,
  Forbidden: 403,
  IllegalState: 409,
  Unavailable: 503,
  Unprocessable: 422,
};

/** The one place where typed errors become HTTP responses: `{ error: { code, message, fields } }`. */
@Catch()
export class LedgerErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType() !== 'http') return toGraphqlError(exception); // GraphQL: graphql-js reports a returned error
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof LedgerError) {
      // Field-level problems of a ValidationError travel as `fields: [{ path, message }]`.
      const fields = 'problems' in exception ? exception.problems : undefined;
      res
        .status(STATUS[exception.kind])
        .json({ error: { code: exception.code, message: exception.message, ...(fields ? { fields } : {}) } });
      return undefined;
    }
    if (exception instanceof HttpException) {
      const body = exception.getResponse() as { code?: unknown; message?: unknown };
      const code = typeof body === 'object' && typeof body.code === 'string' ? body.code : `HTTP_${exception.getStatus()}`;
      if (exception.getStatus() === 401) res.setHeader('WWW-Authenticate', 'Bearer');
      res.status(exception.getStatus()).json({ error: { code, message: exception.message } });
      return undefined;
    }
    res.status(500).json({ error: { code: 'INTERNAL', message: 'internal error: see the service log' } });
    return undefined;
  }
}
