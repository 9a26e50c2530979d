import type { IncomingHttpHeaders } from 'node:http';

import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  SetMetadata,
  createParamDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import type { Caller } from './api-key-authenticator';
import { clientCertificateOf } from './client-certificate';
import type { ApiScope } from './ingress-config';
import { TenantAuthenticator } from './tenant-authenticator';

/** What the guard needs of a request, whichever HTTP adapter carries it. */
interface HttpRequest {
  readonly headers: IncomingHttpHeaders;
  /** The connection (Fastify's `request.socket`): a TLSSocket on a TLS listener. */
  readonly socket?: unknown;
}

/** The authenticated caller of each request, attached by ApiKeyGuard (gone with the request). */
const callers = new WeakMap<HttpRequest, Caller>();

const SCOPE = 'tuxhat:ingress:scope';

/** The scope a route needs (`send` to submit, `read` to read). */
export const RequireScope = (scope: ApiScope) => SetMetadata(SCOPE, scope);

/**
 * REST authentication and authorisation: a route behind this guard only runs for a valid,
 * unrevoked API key, or registered client certificate, that has the route's scope (401
 * `unauthorized`, 403 `insufficient_scope`; see TenantAuthenticator).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly authenticator: TenantAuthenticator,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const scope = this.reflector.get<ApiScope | undefined>(SCOPE, context.getHandler());
    // A route without a declared scope is a programming error, not an open door.
    if (!scope) throw new Error(`route ${context.getHandler().name} declares no @RequireScope()`);
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const credentials = {
      authorization: request.headers.authorization,
      clientCertificate: () => clientCertificateOf(request.socket),
    };
    callers.set(request, this.authenticator.authorize(credentials, scope));
    return true;
  }
}

/** The tenant calling the route (behind ApiKeyGuard). */
export const CallerOf = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const caller = callers.get(context.switchToHttp().getRequest<HttpRequest>());
  // A route using @CallerOf() without the guard is a programming error, not a 401.
  if (!caller) throw new Error('@CallerOf() used on a route without ApiKeyGuard');
  return caller;
});
