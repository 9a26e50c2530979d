import { AdminHarness } from './support/admin-harness';

describe('admin API: tenant policies, suppressions, prepaid balances', () => {
  let sut: AdminHarness;

  beforeAll(async () => {
    sut = await AdminHarness.start('admin_policies');
    await sut.prisma.tenant.createMany({
      data: ['acme', 'globex'].map((id) => ({ id, name: id })),
    });
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('answers the default policy (version 0) for a tenant without one', async () => {
    const answer = await sut.get('/admin/v1/tenants/globex/policy');
    expect(answer).toMatchObject({
      status: 200,
      body: {
        tenantId: 'globex',
        version: 0,
        createdAt: null,
        document: { timeZone: 'UTC', useSuppressionList: true, windows: [] },
      },
    });
  });

  it('writes a policy as a new version: defaults filled, audited, revision bumped', async () => {
    const revision = await sut.revision();
    const document = {
      timeZone: 'Europe/Berlin',
      destinations: { deny: [{ country: 'DE' }] },
      rate: { messagesPerSecond: 50, burst: 10 },
      monthlyQuota: { messages: 100_000 },
    };

    const first = await sut.request('PUT', '/admin/v1/tenants/acme/policy', { body: document });

    expect(first).toMatchObject({
      status: 200,
      body: {
        tenantId: 'acme',
        version: 1,
        createdBy: 'ops-alice',
        document: {
          ...document,
          destinations: { allow: [], deny: [{ country: 'DE' }] },
          rate: { messagesPerSecond: 50, burst: 10, overLimit: 'reject' },
          monthlyQuota: { messages: 100_000, warnAtPercent: 80 },
          billing: { mode: 'postpaid', chargeOn: 'submit' },
        },
      },
    });
    expect(await sut.revision()).toBeGreaterThan(revision);
    expect(await sut.auditOf('tenant_policy', 'acme')).toEqual([
      expect.objectContaining({
        actor: 'ops-alice',
        action: 'tenant_policy.update',
        before: null,
        after: first.body,
      }),
    ]);

    // The same document again: nothing written.
    const again = await sut.request('PUT', '/admin/v1/tenants/acme/policy', { body: document });
    expect(again.body).toMatchObject({ version: 1 });
    expect(await sut.auditOf('tenant_policy', 'acme')).toHaveLength(1);

    const second = await sut.request('PUT', '/admin/v1/tenants/acme/policy', {
      body: { ...document, useSuppressionList: false },
    });
    expect(second.body).toMatchObject({ version: 2, document: { useSuppressionList: false } });
    expect((await sut.get('/admin/v1/tenants/acme/policy')).body).toEqual(second.body);
    const versions = await sut.get('/admin/v1/tenants/acme/policy/versions?limit=1');
    expect(versions.body).toMatchObject({ items: [{ version: 2 }] });
    const older = await sut.get(
      `/admin/v1/tenants/acme/policy/versions?limit=1&cursor=${String(versions.body.nextCursor)}`,
    );
    expect(older.body).toMatchObject({ items: [{ version: 1 }], nextCursor: null });
    expect(
      (await sut.prisma.tenantPolicy.findMany({ where: { tenantId: 'acme' } })).map(
        (row) => row.version,
      ),
    ).toEqual(expect.arrayContaining([1, 2]));
  });

  it('refuses an invalid policy naming every bad field, and unknown tenants', async () => {
    const answer = await sut.request('PUT', '/admin/v1/tenants/acme/policy', {
      body: {
        timeZone: 'Mars/Olympus',
        destinations: { allow: [{ pattern: '(' }] },
        rate: { messagesPerSecond: 0, burst: 1 },
        colour: 'blue',
      },
    });
    expect(answer).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    const fields = (answer.body.errors as { field: string }[]).map((error) => error.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'timeZone',
        'destinations.allow.0.pattern',
        'rate.messagesPerSecond',
        'colour',
      ]),
    );
    expect(await sut.request('PUT', '/admin/v1/tenants/nobody/policy', { body: {} })).toMatchObject(
      { status: 404, body: { code: 'tenant_not_found' } },
    );
    expect(await sut.get('/admin/v1/tenants/nobody/policy')).toMatchObject({ status: 404 });
  });

  it('adds, lists and removes suppressed numbers, audited', async () => {
    const added = await sut.post('/admin/v1/tenants/acme/suppressions', {
      number: '+38267123456',
      reason: 'asked by phone',
    });
    expect(added).toMatchObject({
      status: 201,
      body: { tenantId: 'acme', number: '+38267123456', source: 'admin' },
    });
    expect(
      await sut.post('/admin/v1/tenants/acme/suppressions', {
        number: '+38267123456',
        reason: 'again',
      }),
    ).toMatchObject({ status: 409, body: { code: 'suppression_exists' } });
    expect(
      await sut.post('/admin/v1/tenants/acme/suppressions', { number: '067123456', reason: 'x' }),
    ).toMatchObject({ status: 400, body: { errors: [{ field: 'number' }] } });

    const list = await sut.get('/admin/v1/tenants/acme/suppressions');
    expect(list.body).toMatchObject({ items: [{ number: '+38267123456' }], nextCursor: null });
    expect((await sut.get('/admin/v1/tenants/globex/suppressions')).body).toMatchObject({
      items: [],
    });

    expect((await sut.delete('/admin/v1/tenants/acme/suppressions/%2B38267123456')).status).toBe(
      204,
    );
    expect(await sut.delete('/admin/v1/tenants/acme/suppressions/%2B38267123456')).toMatchObject({
      status: 404,
      body: { code: 'suppression_not_found' },
    });
    expect(
      (await sut.auditOf('suppression', 'acme/+38267123456')).map((row) => row.action),
    ).toEqual(['suppression.create', 'suppression.delete']);
  });

  it('tops up a prepaid balance in one currency, audited', async () => {
    expect(await sut.get('/admin/v1/tenants/acme/balance')).toMatchObject({
      status: 404,
      body: { code: 'balance_not_found' },
    });

    const opened = await sut.post('/admin/v1/tenants/acme/balance/top-ups', {
      amountMinor: 10_000,
      currency: 'EUR',
    });
    expect(opened).toMatchObject({
      status: 200,
      body: { tenantId: 'acme', currency: 'EUR', availableMinor: 10_000, reservedMinor: 0 },
    });
    // Reservations move money at the same time; a top-up adds to what is there.
    await sut.prisma.tenantBalance.update({
      where: { tenantId: 'acme' },
      data: { availableMinor: { decrement: 300n }, reservedMinor: { increment: 300n } },
    });
    const more = await sut.post('/admin/v1/tenants/acme/balance/top-ups', {
      amountMinor: 500,
      currency: 'EUR',
    });
    expect(more.body).toMatchObject({ availableMinor: 10_200, reservedMinor: 300 });
    expect(await sut.get('/admin/v1/tenants/acme/balance')).toMatchObject({ body: more.body });

    expect(
      await sut.post('/admin/v1/tenants/acme/balance/top-ups', { amountMinor: 1, currency: 'USD' }),
    ).toMatchObject({ status: 409, body: { code: 'balance_currency_mismatch' } });
    expect(
      await sut.post('/admin/v1/tenants/acme/balance/top-ups', { amountMinor: 0, currency: 'EUR' }),
    ).toMatchObject({ status: 400, body: { errors: [{ field: 'amountMinor' }] } });
    expect((await sut.auditOf('tenant_balance', 'acme')).map((row) => row.after)).toEqual([
      opened.body,
      more.body,
    ]);
  });
});
