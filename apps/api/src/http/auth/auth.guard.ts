import {
  applyDecorators,
  Inject,
  Injectable,
  SetMetadata,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DECORATORS } from '@nestjs/swagger';
import type { ApiRequest as Request } from '../request';
import { InvalidToken, type TokenVerifier } from '@caretrail/security';
import type { Actor, ActorRole } from '@caretrail/domain';
import { TOKEN_VERIFIER } from '../tokens';

const PUBLIC_ROUTE = 'caretrail:public';

/** Marks a controller that needs no token (health, API documentation); its OpenAPI operations say `security: []`. */
export const Public = (): ClassDecorator =>
  applyDecorators(SetMetadata(PUBLIC_ROUTE, true), SetMetadata(DECORATORS.API_SECURITY, []));

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Actor;
  }
}

/** Authenticates every request with a bearer token unless the route is @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier<ActorRole>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const header = request.headers.authorization;
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) throw new InvalidToken('send a bearer token in the Authorization header');
    request.principal = await this.verifier.verify(match[1]!);
    // The request log's line names the user too; it reads Node's request (logging.ts).
    (request.raw as { principal?: Actor }).principal = request.principal;
    return true;
  }
}

/** The authenticated caller of this request. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Actor =>
  principalOf(context.switchToHttp().getRequest<Request>()),
);

/** The authenticated caller of a request that passed the AuthGuard. */
export function principalOf(request: Request): Actor {
  if (!request.principal) throw new InvalidToken('send a bearer token in the Authorization header');
  return request.principal;
}
