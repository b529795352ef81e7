import { Controller, Get } from '@nestjs/common';
import { ROLES, type Principal } from './principal.js';
import { Roles } from './decorators.js';
import { CurrentPrincipal } from './scope.js';

/** Who the credentials say the caller is: pseudonymous id, roles, projects. */
@Controller('auth')
export class WhoAmIController {
  @Get('whoami')
  @Roles(...ROLES)
  whoami(@CurrentPrincipal() principal: Principal): object {
    return {
      actorId: principal.actorId,
      actorKind: principal.actorKind,
      roles: principal.roles,
      projects: principal.projects,
      method: principal.method,
    };
  }
}
