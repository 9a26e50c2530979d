import { generateApiKey } from '@tuxhat/config';

import { ApiKeyAuthenticator } from './api-key-authenticator';
import { outcomeOf, snapshotOf, storedKeyOf, usageInto } from './authentication.fixture';
import type { StoredKey } from './ingress-config';

describe(ApiKeyAuthenticator.name, () => {
  const key = generateApiKey();
  let now: number;
  let stored: StoredKey | undefined;
  let used: string[];

  const sut = () =>
    new ApiKeyAuthenticator(
      snapshotOf(() => ({
        keys: new Map(stored ? [[key.prefix, stored]] : []),
        certificates: new Map(),
      })),
      usageInto(used),
      { now: () => new Date(now) },
    );

  const reason = outcomeOf;

  beforeEach(() => {
    now = Date.UTC(2026, 10, 25, 12);
    stored = storedKeyOf(key);
    used = [];
  });

  it('authenticates a Bearer key to its tenant from memory, and notes its use', () => {
    expect(sut().authenticate(`Bearer ${key.key}`)).toEqual({
      tenantId: 'acme',
      credentialId: 'k1',
      credential: 'API key',
      scopes: new Set(['send', 'read']),
    });
    expect(sut().authenticate(`bearer   ${key.key}`)).toMatchObject({ tenantId: 'acme' });
    expect(used).toEqual(['k1', 'k1']);
  });

  it.each([
    ['no header', undefined],
    ['another scheme', `Basic ${key.key}`],
    ['a malformed key', 'Bearer thk_short'],
    ['an admin key', `Bearer tha_${key.prefix.slice(4)}_${'A'.repeat(43)}`],
    ['the right prefix with a wrong secret', `Bearer ${key.prefix}_${'A'.repeat(43)}`],
  ])('rejects %s as unauthorized', (_case, header) => {
    expect(reason(() => sut().authenticate(header))).toBe('unauthorized');
    expect(used).toEqual([]);
  });

  it('rejects a key that is not (or no longer) in the configuration', () => {
    stored = undefined;
    expect(reason(() => sut().authenticate(`Bearer ${key.key}`))).toBe('unauthorized');
  });

  it('rejects a key once its revocation time has come', () => {
    stored = { ...stored!, revokedAt: new Date(now + 60_000) };
    const authenticator = sut();
    expect(reason(() => authenticator.authenticate(`Bearer ${key.key}`))).toBe('accepted');
    now += 60_000;
    expect(reason(() => authenticator.authenticate(`Bearer ${key.key}`))).toBe('unauthorized');
  });

  it('hashes a key once, then still refuses a wrong secret and follows a changed configuration', () => {
    let hashReads = 0;
    const entry = stored!;
    stored = {
      ...entry,
      get secretHash() {
        hashReads++;
        return entry.secretHash;
      },
    };
    const authenticator = sut();
    for (let call = 0; call < 3; call++) {
      expect(reason(() => authenticator.authenticate(`Bearer ${key.key}`))).toBe('accepted');
    }
    expect(hashReads).toBe(1);
    const forged = `Bearer ${key.key.slice(0, -1)}${key.key.endsWith('A') ? 'B' : 'A'}`;
    expect(reason(() => authenticator.authenticate(forged))).toBe('unauthorized');
    // A rotation: the same prefix now stands for another secret (a new entry object).
    stored = { ...entry, secretHash: generateApiKey().sha256 };
    expect(reason(() => authenticator.authenticate(`Bearer ${key.key}`))).toBe('unauthorized');
  });

  it('never puts the key into its error', () => {
    try {
      sut().authenticate(`Bearer ${key.prefix}_${'A'.repeat(43)}`);
    } catch (error) {
      expect(
        JSON.stringify({ ...(error as object), message: (error as Error).message }),
      ).not.toContain(`${key.prefix}_A`);
    }
  });
});
