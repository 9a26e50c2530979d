import { waitFor } from '@tuxhat/testing';

import { IngressHarness } from './support/ingress-harness';

const VALID = { to: '+38267123456', from: 'TuxHat', text: 'Your code is 123456' };

describe('ingress API keys: several per tenant, scopes, revocation, last use', () => {
  let sut: IngressHarness;

  beforeAll(async () => {
    // The default poll (1 s): the revocation test measures what a running ingress does.
    sut = await IngressHarness.start('ingress_auth', { configPollMs: 1_000, keyUsageFlushMs: 200 });
  });

  afterAll(async () => {
    await sut?.close();
  });

  afterAll(() => {
    const logs = sut.logger.text();
    for (const key of sut.allKeys) expect(logs).not.toContain(key);
  });

  it('accepts every key of a tenant (rotation), each acting for its tenant', async () => {
    const second = await sut.addKey('acme', []);
    await sut.refreshConfig();
    const one = await sut.submit(VALID, sut.acme.key.key);
    const two = await sut.submit(VALID, second.key);
    expect([one.status, two.status]).toEqual([202, 202]);
    const rows = await sut.prisma.message.findMany({
      where: { id: { in: [String(one.body.id), String(two.body.id)] } },
    });
    expect(rows.map((row) => row.tenantId)).toEqual(['acme', 'acme']);
  });

  it('answers 403 insufficient_scope to a key without the scope of the call', async () => {
    const readOnly = await sut.addKey('acme', ['read']);
    const sendOnly = await sut.addKey('acme', ['send']);
    const unknownScope = await sut.addKey('acme', ['admin']);
    await sut.refreshConfig();

    const denied = await sut.submit(VALID, readOnly.key);
    expect(denied.status).toBe(403);
    expect(denied.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(denied.body).toMatchObject({ status: 403, code: 'insufficient_scope' });
    expect((await sut.submitBatch([VALID], readOnly.key)).status).toBe(403);

    const sent = await sut.submit(VALID, sendOnly.key);
    expect(sent.status).toBe(202);
    const id = String(sent.body.id);
    expect((await sut.getMessage(id, sendOnly.key)).body).toMatchObject({
      code: 'insufficient_scope',
    });
    expect((await sut.list('', sendOnly.key)).status).toBe(403);
    expect((await sut.request('GET', '/v1/usage', { key: sendOnly.key })).status).toBe(403);
    expect((await sut.getMessage(id, readOnly.key)).status).toBe(200);

    // Scopes this API does not know grant nothing here.
    expect((await sut.submit(VALID, unknownScope.key)).status).toBe(403);
    expect((await sut.getMessage(id, unknownScope.key)).status).toBe(403);
  });

  it('stops a revoked key within about a second on a running ingress', async () => {
    const key = await sut.addKey('acme', []);
    await sut.refreshConfig();
    expect((await sut.submit(VALID, key.key)).status).toBe(202);

    const revokedAt = Date.now();
    await sut.configure((tx) =>
      tx.apiKey.update({ where: { prefix: key.prefix }, data: { revokedAt: new Date(revokedAt) } }),
    );
    const answer = await waitFor(
      'the revoked key to be refused',
      async () => {
        const attempt = await sut.getMessage('msg_x', key.key);
        return attempt.status === 401 ? attempt : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 50 },
    );
    expect(Date.now() - revokedAt).toBeLessThan(2_500);
    expect(answer.body).toMatchObject({ code: 'unauthorized' });
  });

  it('lets a new key in within about a second of its creation', async () => {
    const created = Date.now();
    const key = await sut.addKey('acme', ['read']);
    await waitFor(
      'the new key to be accepted',
      async () => ((await sut.getMessage('msg_x', key.key)).status === 404 ? true : undefined),
      { timeoutMs: 5_000, intervalMs: 50 },
    );
    expect(Date.now() - created).toBeLessThan(2_500);
  });

  it('records when a key was last used, in batches', async () => {
    const key = await sut.addKey('acme', []);
    await sut.refreshConfig();
    const before = Date.now();
    await Promise.all(Array.from({ length: 10 }, () => sut.getMessage('msg_x', key.key)));
    const row = await waitFor('last_used_at to be written', async () => {
      const stored = await sut.prisma.apiKey.findUniqueOrThrow({ where: { prefix: key.prefix } });
      return stored.lastUsedAt ? stored : undefined;
    });
    expect(row.lastUsedAt!.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(row.lastUsedAt!.getTime()).toBeLessThanOrEqual(Date.now());
  });
});
