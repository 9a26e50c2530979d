import { generateApiKey } from '@tuxhat/config';

import { ApiKeyAuthenticator } from './api-key-authenticator';
import { outcomeOf, snapshotOf, storedKeyOf, usageInto } from './authentication.fixture';
import { type StoredCertificate, type StoredKey, scopesOf } from './ingress-config';
import { type Credentials, TenantAuthenticator } from './tenant-authenticator';

describe(TenantAuthenticator.name, () => {
  const key = generateApiKey();
  const fingerprint = 'ab'.repeat(32);
  let now: number;
  let storedKey: StoredKey;
  let certificate: StoredCertificate | undefined;
  let certificateReads: number;
  let used: string[];

  const sut = () => {
    const snapshot = snapshotOf(() => ({
      keys: new Map([[key.prefix, storedKey]]),
      certificates: new Map(certificate ? [[fingerprint, certificate]] : []),
    }));
    const clock = { now: () => new Date(now) };
    const usage = usageInto(used);
    const keys = new ApiKeyAuthenticator(snapshot, usage, clock);
    return new TenantAuthenticator(keys, snapshot, usage, clock);
  };

  /** What a request presents: a header or not, a verified client certificate or not. */
  const credentials = (authorization?: string, presented?: string): Credentials => ({
    authorization,
    clientCertificate: () => {
      certificateReads++;
      return presented;
    },
  });

  const reason = outcomeOf;

  beforeEach(() => {
    now = Date.UTC(2026, 10, 28, 12);
    storedKey = storedKeyOf(key);
    certificate = { fingerprint, tenantId: 'other', revokedAt: null, scopes: scopesOf(['read']) };
    certificateReads = 0;
    used = [];
  });

  it('authenticates a registered client certificate to its tenant when there is no key', () => {
    expect(sut().authenticate(credentials(undefined, fingerprint))).toEqual({
      tenantId: 'other',
      credentialId: `cert:${fingerprint}`,
      credential: 'client certificate',
      scopes: new Set(['read']),
    });
    expect(used).toEqual([`cert:${fingerprint}`]);
  });

  it('judges a present Authorization as an API key, and never looks at the certificate then', () => {
    expect(sut().authenticate(credentials(`Bearer ${key.key}`, fingerprint))).toMatchObject({
      tenantId: 'acme',
      credentialId: 'k1',
    });
    const wrongKey = credentials(`Bearer ${key.prefix}_${'A'.repeat(43)}`, fingerprint);
    expect(reason(() => sut().authenticate(wrongKey))).toBe('unauthorized');
    expect(reason(() => sut().authenticate(credentials('', fingerprint)))).toBe('unauthorized');
    expect(certificateReads).toBe(0);
  });

  it.each([
    ['neither key nor certificate', undefined],
    ['an unregistered certificate', 'cd'.repeat(32)],
  ])('refuses %s as unauthorized', (_case, presented) => {
    expect(reason(() => sut().authenticate(credentials(undefined, presented)))).toBe(
      'unauthorized',
    );
    expect(used).toEqual([]);
  });

  it('refuses a certificate once its revocation time has come, or once it left the configuration', () => {
    certificate = { ...certificate!, revokedAt: new Date(now + 60_000) };
    const authenticator = sut();
    expect(reason(() => authenticator.authenticate(credentials(undefined, fingerprint)))).toBe(
      'accepted',
    );
    now += 60_000;
    expect(reason(() => authenticator.authenticate(credentials(undefined, fingerprint)))).toBe(
      'unauthorized',
    );
    certificate = undefined;
    now -= 60_000;
    expect(reason(() => authenticator.authenticate(credentials(undefined, fingerprint)))).toBe(
      'unauthorized',
    );
  });

  it('checks the scope of the call, for keys and certificates alike: 403 insufficient_scope', () => {
    storedKey = { ...storedKey, scopes: scopesOf(['read']) };
    const byKey = credentials(`Bearer ${key.key}`);
    expect(reason(() => sut().authorize(byKey, 'read'))).toBe('accepted');
    expect(reason(() => sut().authorize(byKey, 'send'))).toBe('insufficient_scope');
    storedKey = { ...storedKey, scopes: scopesOf(['sms:admin']) };
    expect(reason(() => sut().authorize(byKey, 'read'))).toBe('insufficient_scope');

    const byCertificate = credentials(undefined, fingerprint);
    expect(reason(() => sut().authorize(byCertificate, 'read'))).toBe('accepted');
    expect(() => sut().authorize(byCertificate, 'send')).toThrow(
      'this client certificate lacks the `send` scope needed for this call',
    );
  });
});
