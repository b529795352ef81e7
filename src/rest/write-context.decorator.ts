import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { WithPrincipal } from '../auth/auth.guard.js';
import { writeContext, type WriteContext } from './idempotency.js';

/**
 * The write context of a REST request: the authenticated principal, the route as called
 * (method and path) and its `Idempotency-Key` header. Use on every write route.
 */
export const Write = createParamDecorator((_: unknown, context: ExecutionContext): WriteContext => {
  const req = context.switchToHttp().getRequest<{ method: string; path: string; headers: Record<string, unknown> } & WithPrincipal>();
  if (!req.principal) throw new Error('Write used on a route the AuthGuard did not authenticate');
  return writeContext(req.principal, `${req.method} ${req.path}`, req.headers['idempotency-key']);
});
