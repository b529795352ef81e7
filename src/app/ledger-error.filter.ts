import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { LedgerError, type ErrorKind } from '../domain/errors.js';

const STATUS: Record<ErrorKind, number> = {
  ValidationError: 400,
  ConcurrencyError: 409,
  NotFound: 404,
  Forbidden: 403,
  IllegalState: 409,
  Unavailable: 503,
};

/** The one place where typed errors become HTTP responses: `{ error: { code, message, problems } }`. */
@Catch()
export class LedgerErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof LedgerError) {
      const problems = 'problems' in exception ? exception.problems : undefined;
      res
        .status(STATUS[exception.kind])
        .json({ error: { code: exception.code, message: exception.message, ...(problems ? { problems } : {}) } });
      return;
    }
    if (exception instanceof HttpException) {
      res.status(exception.getStatus()).json({ error: { code: `HTTP_${exception.getStatus()}`, message: exception.message } });
      return;
    }
    res.status(500).json({ error: { code: 'INTERNAL', message: 'internal error: see the service log' } });
  }
}
