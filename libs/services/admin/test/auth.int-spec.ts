import { generateApiKey } from '@tuxhat/config';

import { AdminKeyStore } from '../src';
import { AdminHarness } from './support/admin-harness';

describe('admin API authentication', () => {
  let sut: AdminHarness;

  beforeAll(async () => {
    sut = await AdminHarness.start('admin_auth');
  });

  afterAll(async () => {
    await sut?.close();
  });

  const expectUnauthorized = (answer: { status: number; headers: Headers; body: object }) => {
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="tuxhat-admin"');
    expect(answer.body).toMatchObject({ code: 'unauthorized', status: 401 });
  };

  it('answers a valid admin key', async () => {
    const answer = await sut.get('/admin/v1/tenants');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ items: [], nextCursor: null });
  });

  it('refuses a request without a key, 401', async () => {
    expectUnauthorized(await sut.get('/admin/v1/tenants', { key: null }));
  });

  it.each([
    ['another scheme', (key: string) => `Basic ${key}`],
    ['a malformed key', () => 'Bearer tha_short'],
    [
      'the right prefix with a wrong secret',
      (key: string) => `Bearer ${key.slice(0, 12)}_${'A'.repeat(43)}`,
    ],
  ])('refuses %s, 401', async (_case, header) => {
    const response = await fetch(`${sut.admin.url}/admin/v1/tenants`, {
      headers: { authorization: header(sut.key) },
    });
    expectUnauthorized({
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as object,
    });
  });

  it("refuses a tenant's API key, even a valid one", async () => {
    const tenantKey = generateApiKey();
    await sut.prisma.tenant.create({ data: { id: 'keyholder', name: 'Key holder' } });
    await sut.prisma.apiKey.create({
      data: {
        id: tenantKey.prefix,
        tenantId: 'keyholder',
        prefix: tenantKey.prefix,
        secretHash: tenantKey.sha256,
        name: 'valid',
      },
    });
    expectUnauthorized(await sut.get('/admin/v1/tenants', { key: tenantKey.key }));
  });

  it('refuses a revoked admin key on the very next request', async () => {
    const key = await sut.createAdminKey('ops-bob');
    expect((await sut.get('/admin/v1/tenants', { key })).status).toBe(200);
    await new AdminKeyStore(sut.prisma).revoke(key.slice(0, 12));
    expectUnauthorized(await sut.get('/admin/v1/tenants', { key }));
  });

  it('guards every route, even unknown ones answer only after authentication', async () => {
    const answer = await sut.get('/admin/v1/no-such-thing', { key: null });
    // Unknown routes answer 404 not_found (the router runs before any guard).
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ code: 'not_found' });
  });

  it('answers health without a key', async () => {
    const answer = await sut.get('/admin/health', { key: null });
    expect(answer).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('never logs a key', () => {
    for (const secret of sut.secrets) expect(sut.logger.text()).not.toContain(secret);
  });
});
