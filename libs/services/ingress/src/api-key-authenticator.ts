import { timingSafeEqual } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { apiKeyMatches, apiKeyPrefix } from '@tuxhat/config';
import { CLOCK, type Clock } from '@tuxhat/runtime';

import { CredentialUsageRecorder } from './credential-usage.recorder';
import { type ApiScope, IngressConfigSnapshot, type StoredKey } from './ingress-config';
import { ProblemError } from './problem';

/**
 * Who is calling: the tenant every query and write of the request is scoped to, whichever
 * credential proved it (an API key or a client certificate, see TenantAuthenticator).
 */
export interface Caller {
  readonly tenantId: string;
  /** The API key's id, or `cert:<fingerprint>` for a client certificate. */
  readonly credentialId: string;
  /** What the credential is called in errors, e.g. `API key`. */
  readonly credential: string;
  readonly scopes: ReadonlySet<ApiScope>;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * Authenticates tenants by API key (REST `Authorization: Bearer`, gRPC `authorization`
 * metadata). Keys are found by their public prefix in the in-memory configuration
 * (IngressConfigSnapshot: no database query per request; a revocation applies within about a
 * second) and checked against the stored SHA-256 in constant time.
 *
 * The SHA-256 is computed once per key and configuration: a key that matched is remembered
 * against the stored entry it matched (a WeakMap on that object), and later requests compare
 * with it, in constant time too. A reload of the configuration (a revocation, a rotation, any
 * admin change) brings new entry objects, so everything remembered goes with the old ones.
 *
 * Every failure answers the same `unauthorized` detail, so a caller learns nothing about which
 * part was wrong (unknown prefix, wrong secret, revoked). The key itself is never logged nor
 * put in an error.
 */
@Injectable()
export class ApiKeyAuthenticator {
  /** The key each stored entry was last verified with. */
  private readonly verified = new WeakMap<StoredKey, Buffer>();

  constructor(
    private readonly config: IngressConfigSnapshot,
    private readonly usage: CredentialUsageRecorder,
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
      !this.matches(key, stored) ||
      (stored.revokedAt !== null && stored.revokedAt.getTime() <= now.getTime())
    ) {
      throw new ProblemError('unauthorized', 'the API key is not valid');
    }
    this.usage.keyUsed(stored.id, now);
    return {
      tenantId: stored.tenantId,
      credentialId: stored.id,
      credential: 'API key',
      scopes: stored.scopes,
    };
  }

  private matches(key: string, stored: StoredKey): boolean {
    const presented = Buffer.from(key);
    const known = this.verified.get(stored);
    if (known?.length === presented.length && timingSafeEqual(known, presented)) return true;
    if (!apiKeyMatches(key, stored.secretHash)) return false;
    this.verified.set(stored, presented);
    return true;
  }
}
