import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import { forbidden } from './auth-errors.js';
import type { WithPrincipal } from './auth.guard.js';
import { coversProject, type Principal } from './principal.js';

/**
 * Throws 403 unless the principal may act on `project`. Call it before loading anything, so
 * that the answer is the same whether or not the project exists.
 */
export function assertProjectScope(principal: Principal, project: string): void {
  if (!coversProject(principal, project)) {
    throw forbidden('FORBIDDEN_PROJECT', 'forbidden: your credentials do not cover this project');
  }
}

/** Throws 403 unless the principal's scope is every project (for ledger-wide reads). */
export function assertAllProjects(principal: Principal): void {
  if (principal.projects !== '*') {
    throw forbidden('FORBIDDEN_PROJECT', 'forbidden: this operation needs access to all projects');
  }
}

/** The authenticated principal of a REST handler or a GraphQL resolver (set by AuthGuard). */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  let holder: WithPrincipal | undefined;
  if (context.getType<GqlContextType>() === 'graphql') {
    const ctx = GqlExecutionContext.create(context).getContext<WithPrincipal & { req?: WithPrincipal }>();
    holder = ctx.principal ? ctx : ctx.req;
  } else {
    holder = context.switchToHttp().getRequest<WithPrincipal>();
  }
  if (!holder?.principal) throw new Error('CurrentPrincipal used on a handler the AuthGuard did not authenticate');
  return holder.principal;
});
