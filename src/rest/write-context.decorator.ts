import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { WithPrincipal } from '../auth/auth.guard.js';
import { writeContext, type WriteContext } from './idempotency.js';

/**
 * The write context of a REST request: the authenticated principal, the route as called
 * (method and path), its `Idempotency-Key` header and its body. Use on every write route, and
 * claim the key (IdempotencyKeys.claim) before dispatching.
 */
export const Write = createParamDecorator((_: unknown, context: ExecutionContext): WriteContext => {
  const req = context
    .switchToHttp()
    .getRequest<{ method: string; path: string; headers: Record<string, unknown>; body?: unknown } & WithPrincipal>();
  if (!req.principal) throw new Error('Write used on a route the AuthGuard did not authenticate');
  return writeContext(
    req.principal,
    `${req.method} ${req.path}`,
    req.headers['idempotency-key'],
    new Date(),
    'header:Idempotency-Key',
    req.body,
  );
});
