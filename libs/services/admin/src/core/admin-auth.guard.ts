import type { IncomingHttpHeaders } from 'node:http';

import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  SetMetadata,
  createParamDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { type AdminActor, AdminKeyAuthenticator } from './admin-key.authenticator';

/** What the guard needs of a request, whichever HTTP adapter carries it. */
interface HttpRequest {
  readonly headers: IncomingHttpHeaders;
}

const PUBLIC_ROUTE = 'tuxhat:admin:public-route';

/**
 * Marks a route that answers without an admin key (health checks). Everything else of the
 * admin API is behind AdminAuthGuard, installed globally: a new controller cannot forget it.
 */
export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE, true);

/** The authenticated operator of each request (gone with the request). */
const actors = new WeakMap<HttpRequest, AdminActor>();

@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(
    private readonly authenticator: AdminKeyAuthenticator,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<HttpRequest>();
    actors.set(request, await this.authenticator.authenticate(request.headers.authorization));
    return true;
  }
}

/** The operator calling the route: pass it to AdminChanges so the audit log names them. */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const actor = actors.get(context.switchToHttp().getRequest<HttpRequest>());
  // @Actor() on a @PublicRoute() is a programming error, not a 401.
  if (!actor) throw new Error('@Actor() used on a route without an authenticated admin');
  return actor;
});
