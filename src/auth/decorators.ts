import { SetMetadata } from '@nestjs/common';
import type { Role } from './principal.js';

export const PUBLIC_KEY = 'qledger:public';
export const ROLES_KEY = 'qledger:roles';

/** No authentication at all: only the health probes (decision 0005). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/** The roles that may call this route or resolver. A handler with neither decorator is refused to everyone. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);
