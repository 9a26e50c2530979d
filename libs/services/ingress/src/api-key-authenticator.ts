import { Inject, Injectable } from '@nestjs/common';
import { apiKeyMatches, apiKeyPrefix } from '@tuxhat/config';
import { CLOCK, type Clock } from '@tuxhat/runtime';

import { ApiKeyUsageRecorder } from './api-key-usage.recorder';
import { type ApiScope, IngressConfigSnapshot } from './ingress-config';
import { ProblemError } from './problem';

/** Who is calling: the tenant every query and write of the request is scoped to. */
export interface Caller {
  readonly tenantId: string;
  readonly apiKeyId: string;
  readonly scopes: ReadonlySet<ApiScope>;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * Authenticates tenants by API key (REST `Authorization: Bearer`, gRPC `authorization`
 * metadata). Keys are found by their public prefix in the in-memory configuration
 * (IngressConfigSnapshot: no database query per request; a revocation applies within about a
 * second) and checked against the stored SHA-256 in constant time.
 *
 * Every failure answers the same `unauthorized` detail, so a caller learns nothing about which
 * part was wrong (unknown prefix, wrong secret, revoked). The key itself is never logged nor
 * put in an error.
 */
@Injectable()
export class ApiKeyAuthenticator {
  constructor(
    private readonly config: IngressConfigSnapshot,
    private readonly usage: ApiKeyUsageRecorder,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  authenticate(authorization: string | undefined): Caller {
    if (!authorization) {
      throw new ProblemError('unauthorized', 'send the API key as `Authorization: Bearer <key>`');
    }
    const key = BEARER.exec(authorization)?.[1];
    const prefix = key === undefined ? null : apiKeyPrefix(key);
    const stored = prefix === null ? undefined : this.config.current.keys.get(prefix);
    const now = this.clock.now();
    if (
      key === undefined ||
      stored === undefined ||
      !apiKeyMatches(key, stored.secretHash) ||
      (stored.revokedAt !== null && stored.revokedAt.getTime() <= now.getTime())
    ) {
      throw new ProblemError('unauthorized', 'the API key is not valid');
    }
    this.usage.used(stored.id, now);
    return { tenantId: stored.tenantId, apiKeyId: stored.id, scopes: stored.scopes };
  }

  /** Authenticates and checks that the key may do this (`send` for submissions, `read` for reads). */
  authorize(authorization: string | undefined, scope: ApiScope): Caller {
    const caller = this.authenticate(authorization);
    if (!caller.scopes.has(scope)) {
      throw new ProblemError(
        'insufficient_scope',
        `this API key lacks the \`${scope}\` scope needed for this call`,
      );
    }
    return caller;
  }
}
