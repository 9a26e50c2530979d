import type { IncomingHttpHeaders } from 'node:http';

import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  createParamDecorator,
} from '@nestjs/common';

import { ApiKeyAuthenticator, type Caller } from './api-key-authenticator';

/** What the guard needs of a request, whichever HTTP adapter carries it. */
interface HttpRequest {
  readonly headers: IncomingHttpHeaders;
}

/** The authenticated caller of each request, attached by ApiKeyGuard (gone with the request). */
const callers = new WeakMap<HttpRequest, Caller>();

/** REST authentication: a route behind this guard only runs for a valid, unrevoked API key. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly authenticator: ApiKeyAuthenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<HttpRequest>();
    callers.set(request, await this.authenticator.authenticate(request.headers.authorization));
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
