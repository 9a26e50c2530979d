import { generateApiKey } from '@tuxhat/config';
import type { PrismaClient } from '@tuxhat/database';

import { ApiKeyAuthenticator } from './api-key-authenticator';
import { ProblemError } from './problem';

describe(ApiKeyAuthenticator.name, () => {
  const key = generateApiKey();
  let now = Date.UTC(2026, 10, 25, 12);
  let stored: { revokedAt: Date | null } | null;
  let lookups: number;

  const sut = () => {
    const prisma = {
      apiKey: {
        findUnique: async ({ where }: { where: { prefix: string } }) => {
          lookups++;
          await Promise.resolve();
          return stored && where.prefix === key.prefix
            ? { id: 'k1', tenantId: 'acme', secretHash: key.sha256, revokedAt: stored.revokedAt }
            : null;
        },
      },
    } as unknown as PrismaClient;
    return new ApiKeyAuthenticator(prisma, { now: () => new Date(now) });
  };

  const reason = async (promise: Promise<unknown>) =>
    promise.then(
      () => 'accepted',
      (error: unknown) => (error instanceof ProblemError ? error.code : 'other'),
    );

  beforeEach(() => {
    now = Date.UTC(2026, 10, 25, 12);
    stored = { revokedAt: null };
    lookups = 0;
  });

  it('authenticates a Bearer key to its tenant', async () => {
    await expect(sut().authenticate(`Bearer ${key.key}`)).resolves.toEqual({
      tenantId: 'acme',
      apiKeyId: 'k1',
    });
    await expect(sut().authenticate(`bearer   ${key.key}`)).resolves.toMatchObject({
      tenantId: 'acme',
    });
  });

  it.each([
    ['no header', undefined, 0],
    ['another scheme', `Basic ${key.key}`, 0],
    ['a malformed key', 'Bearer thk_short', 0],
    ['the right prefix with a wrong secret', `Bearer ${key.prefix}_${'A'.repeat(43)}`, 1],
  ])('rejects %s as unauthorized', async (_case, header, expectedLookups) => {
    expect(await reason(sut().authenticate(header))).toBe('unauthorized');
    // Something that cannot be a key never reaches the database.
    expect(lookups).toBe(expectedLookups);
  });

  it('rejects a revoked key, and a key whose revocation time has come', async () => {
    stored = { revokedAt: new Date(now - 1) };
    expect(await reason(sut().authenticate(`Bearer ${key.key}`))).toBe('unauthorized');
    stored = { revokedAt: new Date(now + 60_000) };
    const authenticator = sut();
    expect(await reason(authenticator.authenticate(`Bearer ${key.key}`))).toBe('accepted');
    now += 60_000;
    expect(await reason(authenticator.authenticate(`Bearer ${key.key}`))).toBe('unauthorized');
  });

  it('caches a key for 30 s and shares one lookup between concurrent requests', async () => {
    const authenticator = sut();
    await Promise.all(
      Array.from({ length: 5 }, () => authenticator.authenticate(`Bearer ${key.key}`)),
    );
    expect(lookups).toBe(1);
    now += ApiKeyAuthenticator.HIT_TTL_MS - 1;
    await authenticator.authenticate(`Bearer ${key.key}`);
    expect(lookups).toBe(1);
    // Revoked in the database: noticed once the entry expires.
    stored = { revokedAt: new Date(now) };
    now += 2;
    expect(await reason(authenticator.authenticate(`Bearer ${key.key}`))).toBe('unauthorized');
    expect(lookups).toBe(2);
  });

  it('caches an unknown prefix briefly, so a new key works within seconds', async () => {
    stored = null;
    const authenticator = sut();
    expect(await reason(authenticator.authenticate(`Bearer ${key.key}`))).toBe('unauthorized');
    expect(await reason(authenticator.authenticate(`Bearer ${key.key}`))).toBe('unauthorized');
    expect(lookups).toBe(1);
    stored = { revokedAt: null };
    now += ApiKeyAuthenticator.MISS_TTL_MS + 1;
    expect(await reason(authenticator.authenticate(`Bearer ${key.key}`))).toBe('accepted');
  });

  it('never puts the key into its error', async () => {
    try {
      await sut().authenticate(`Bearer ${key.prefix}_${'A'.repeat(43)}`);
    } catch (error) {
      expect(
        JSON.stringify({ ...(error as object), message: (error as Error).message }),
      ).not.toContain(key.prefix + '_A');
    }
  });
});
