import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@tuxhat/runtime';

import { ApiKeyAuthenticator, type Caller } from './api-key-authenticator';
import { CredentialUsageRecorder } from './credential-usage.recorder';
import { type ApiScope, IngressConfigSnapshot } from './ingress-config';
import { ProblemError } from './problem';

/** What a request presents to say who it is. */
export interface Credentials {
  /** The `Authorization` header (REST) or metadata (gRPC), if any. */
  readonly authorization: string | undefined;
  /**
   * The fingerprint of the client certificate the connection presented, when it chains to the
   * listener's client CAs (see clientCertificateOf). A function: only asked when there is no
   * `Authorization`, so API-key traffic never pays for it.
   */
  readonly clientCertificate: () => string | undefined;
}

/**
 * Authenticates a tenant by API key or, on a TLS listener with client CAs, by a registered
 * client certificate, and checks the call's scope (401 `unauthorized`, 403
 * `insufficient_scope`). An `Authorization` header, when present, is always judged as an API
 * key: a wrong key fails even on a connection with a good certificate, so a certificate never
 * rescues a bad key. Certificates are found by fingerprint in the in-memory configuration, so a
 * revocation applies within about a second, as for keys; every failure says the same thing.
 */
@Injectable()
export class TenantAuthenticator {
  constructor(
    private readonly keys: ApiKeyAuthenticator,
    private readonly config: IngressConfigSnapshot,
    private readonly usage: CredentialUsageRecorder,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  authenticate(credentials: Credentials): Caller {
    if (credentials.authorization !== undefined) {
      return this.keys.authenticate(credentials.authorization);
    }
    const fingerprint = credentials.clientCertificate();
    if (fingerprint === undefined) {
      throw new ProblemError(
        'unauthorized',
        'send the API key as `Authorization: Bearer <key>`, or connect with a registered client certificate',
      );
    }
    const stored = this.config.current.certificates.get(fingerprint);
    const now = this.clock.now();
    if (
      stored === undefined ||
      (stored.revokedAt !== null && stored.revokedAt.getTime() <= now.getTime())
    ) {
      throw new ProblemError('unauthorized', 'the client certificate is not registered');
    }
    this.usage.certificateUsed(fingerprint, now);
    return {
      tenantId: stored.tenantId,
      credentialId: `cert:${fingerprint}`,
      credential: 'client certificate',
      scopes: stored.scopes,
    };
  }

  /** Authenticates and checks the credential's scope (`send` to submit, `read` to read). */
  authorize(credentials: Credentials, scope: ApiScope): Caller {
    const caller = this.authenticate(credentials);
    if (!caller.scopes.has(scope)) {
      throw new ProblemError(
        'insufficient_scope',
        `this ${caller.credential} lacks the \`${scope}\` scope needed for this call`,
      );
    }
    return caller;
  }
}
