import {
  Injectable,
  SetMetadata,
  UseGuards,
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiRequest as Request } from '../request';
import type { ActorRole } from '@caretrail/domain';
import { Problem } from '../problems/problem';

const ROLES = 'caretrail:roles';

@Injectable()
class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<ActorRole[]>(ROLES, [context.getHandler(), context.getClass()]);
    const principal = context.switchToHttp().getRequest<Request>().principal;
    if (roles && (!principal || !roles.includes(principal.role))) {
      throw new Problem(403, 'FORBIDDEN', 'Not permitted', `This needs one of the roles: ${roles.join(', ')}.`);
    }
    return true;
  }
}

/** Limits a controller or route to callers holding one of these roles (after authentication). */
export const RequireRole = (...roles: ActorRole[]): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ROLES, roles), UseGuards(RolesGuard));
