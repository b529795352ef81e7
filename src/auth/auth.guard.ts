import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import { forbidden } from './auth-errors.js';
import { Authenticator } from './authenticator.js';
import { PUBLIC_KEY, ROLES_KEY } from './decorators.js';
import { hasAnyRole, type Principal, type Role } from './principal.js';
import { AUTHENTICATOR } from './tokens.js';

/** Where the guard leaves the principal, for handlers and resolvers. */
export interface WithPrincipal {
  principal?: Principal;
}

/**
 * The one global guard, for REST and GraphQL (deny by default): `@Public()` handlers pass;
 * every other handler needs valid credentials (401) and one of its `@Roles` (403). A handler
 * without `@Roles` is refused to everyone.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const holder = holderOf(context);
    const principal = holder.principal ?? (await this.authenticator.fromHeader(holder.authorization));
    holder.store(principal);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles || roles.length === 0) throw forbidden('FORBIDDEN', 'forbidden: this operation is not open to any role');
    if (!hasAnyRole(principal, roles)) {
      throw forbidden('FORBIDDEN_ROLE', `forbidden: this operation needs one of the roles ${roles.join(', ')}`);
    }
    return true;
  }
}

interface Holder {
  readonly principal: Principal | undefined;
  readonly authorization: unknown;
  store(p: Principal): void;
}

function holderOf(context: ExecutionContext): Holder {
  if (context.getType<GqlContextType>() === 'graphql') {
    const ctx = GqlExecutionContext.create(context).getContext<
      { req?: { headers: Record<string, unknown> } & WithPrincipal } & WithPrincipal
    >();
    return {
      principal: ctx.principal ?? ctx.req?.principal,
      authorization: ctx.req?.headers?.['authorization'],
      store: (p) => {
        ctx.principal = p;
      },
    };
  }
  const req = context.switchToHttp().getRequest<{ headers: Record<string, unknown> } & WithPrincipal>();
  return {
    principal: req.principal,
    authorization: req.headers['authorization'],
    store: (p) => {
      req.principal = p;
    },
  };
}
