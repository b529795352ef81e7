import { HttpException } from '@nestjs/common';

/**
 * 401 and 403 with one clear line and a stable code. The messages name what is missing from
 * the credentials, never whether the requested resource exists.
 */
export class AuthError extends HttpException {
  constructor(
    readonly code: string,
    message: string,
    status: 401 | 403,
  ) {
    super({ code, message }, status);
  }
}

export function unauthenticated(code: string, message: string): AuthError {
  return new AuthError(code, message, 401);
}

export function forbidden(code: string, message: string): AuthError {
  return new AuthError(code, message, 403);
}

export const MISSING_CREDENTIALS = () =>
  unauthenticated('UNAUTHENTICATED', 'authentication required: send "Authorization: Bearer <token or API key>"');
export const INVALID_CREDENTIALS = () =>
  unauthenticated(
    'INVALID_CREDENTIALS',
    'the credentials are invalid or expired: get a new token (qledger token, or your identity provider)',
  );
