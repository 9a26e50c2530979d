import { AdminHarness } from './support/admin-harness';

describe('admin API: routing', () => {
  let sut: AdminHarness;

  beforeAll(async () => {
    sut = await AdminHarness.start('admin_routing');
    await sut.prisma.tenant.create({ data: { id: 'acme', name: 'Acme' } });
    await sut.prisma.carrier.createMany({
      data: ['telco-a', 'telco-b', 'telco-c'].map((id) => ({
        id,
        name: id,
        kind: 'smpp' as const,
        config: {},
      })),
    });
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('creates a server group and a rule targeting it: stored, audited, revision bumped', async () => {
    const revision = await sut.revision();
    const group = await sut.post('/admin/v1/routing/server-groups', {
      id: 'eu',
      name: 'EU uplinks',
      strategy: 'weighted',
      members: [
        { carrierId: 'telco-b', weight: 30 },
        { carrierId: 'telco-a', weight: 70 },
        { carrierId: 'telco-c', position: 1 },
      ],
    });
    expect(group).toMatchObject({
      status: 201,
      body: {
        id: 'eu',
        strategy: 'weighted',
        members: [
          { carrierId: 'telco-a', position: 0, weight: 70 },
          { carrierId: 'telco-b', position: 0, weight: 30 },
          { carrierId: 'telco-c', position: 1, weight: 1 },
        ],
      },
    });

    const rule = await sut.post('/admin/v1/routing/rules', {
      id: 'acme-otp',
      priority: 10,
      tenantId: 'acme',
      classOfService: 'otp',
      contentPattern: '/\\bcode\\b/i',
      windowStart: '22:00',
      windowEnd: '06:00',
      timeZone: 'Europe/Berlin',
      windowDays: [5, 6],
      serverGroupId: 'eu',
    });
    expect(rule).toMatchObject({
      status: 201,
      body: {
        id: 'acme-otp',
        enabled: true,
        tenantId: 'acme',
        country: null,
        carrierId: null,
        serverGroupId: 'eu',
        windowDays: [5, 6],
      },
    });
    const row = await sut.prisma.route.findUniqueOrThrow({ where: { id: 'acme-otp' } });
    expect(row).toMatchObject({ classOfService: 'otp', timeZone: 'Europe/Berlin' });
    expect(await sut.auditOf('routing_rule', 'acme-otp')).toEqual([
      expect.objectContaining({
        actor: 'ops-alice',
        action: 'routing_rule.create',
        before: null,
        after: rule.body,
      }),
    ]);
    expect(await sut.auditOf('server_group', 'eu')).toHaveLength(1);
    expect(await sut.revision()).toBe(revision + 2n);
  });

  it.each([
    ['no target', { id: 'r1', priority: 1 }, 'carrierId', 'field_invalid'],
    [
      'two targets',
      { id: 'r2', priority: 1, carrierId: 'telco-a', serverGroupId: 'eu' },
      'serverGroupId',
      'field_invalid',
    ],
    [
      'a pattern that does not compile',
      { id: 'r3', priority: 1, carrierId: 'telco-a', contentPattern: '(' },
      'contentPattern',
      'field_invalid',
    ],
    [
      'a stateful regex flag',
      { id: 'r4', priority: 1, carrierId: 'telco-a', contentPattern: '/x/g' },
      'contentPattern',
      'field_invalid',
    ],
    [
      'half a window',
      { id: 'r5', priority: 1, carrierId: 'telco-a', windowStart: '08:00' },
      'windowEnd',
      'field_invalid',
    ],
    [
      'an unknown zone',
      {
        id: 'r6',
        priority: 1,
        carrierId: 'telco-a',
        windowStart: '08:00',
        windowEnd: '09:00',
        timeZone: 'Mars/Olympus',
      },
      'timeZone',
      'field_invalid',
    ],
    [
      'an unknown class of service',
      { id: 'r7', priority: 1, carrierId: 'telco-a', classOfService: 'urgent' },
      'classOfService',
      'field_invalid',
    ],
    ['no priority', { id: 'r8', carrierId: 'telco-a' }, 'priority', 'field_required'],
    [
      'an unknown carrier',
      { id: 'r9', priority: 1, carrierId: 'telco-z' },
      'carrierId',
      'reference_unknown',
    ],
    [
      'an unknown tenant',
      { id: 'r10', priority: 1, carrierId: 'telco-a', tenantId: 'nobody' },
      'tenantId',
      'reference_unknown',
    ],
    [
      'an unknown server group',
      { id: 'r11', priority: 1, serverGroupId: 'nope' },
      'serverGroupId',
      'reference_unknown',
    ],
    [
      'an unknown field',
      { id: 'r12', priority: 1, carrierId: 'telco-a', colour: 'red' },
      'colour',
      'unknown_field',
    ],
  ])('rejects a rule with %s: 400, nothing stored', async (_what, body, field, code) => {
    const answer = await sut.post('/admin/v1/routing/rules', body);
    expect(answer).toMatchObject({
      status: 400,
      body: {
        code: 'validation_failed',
        errors: expect.arrayContaining([{ field, code, message: expect.any(String) }]),
      },
    });
    expect(await sut.prisma.route.count({ where: { id: body.id } })).toBe(0);
  });

  it('updates a rule as a whole: null clears a condition, a no-op writes no audit row', async () => {
    await sut.post('/admin/v1/routing/rules', {
      id: 'shortcode',
      priority: 20,
      shortCode: '1234',
      keyword: 'BAL',
      carrierId: 'telco-a',
    });
    const moved = await sut.patch('/admin/v1/routing/rules/shortcode', {
      keyword: null,
      carrierId: null,
      serverGroupId: 'eu',
    });
    expect(moved).toMatchObject({
      status: 200,
      body: { shortCode: '1234', keyword: null, carrierId: null, serverGroupId: 'eu' },
    });
    const invalid = await sut.patch('/admin/v1/routing/rules/shortcode', { carrierId: 'telco-a' });
    expect(invalid.status).toBe(400);

    const revision = await sut.revision();
    const same = await sut.patch('/admin/v1/routing/rules/shortcode', { priority: 20 });
    expect(same.status).toBe(200);
    expect(await sut.revision()).toBe(revision);
    expect((await sut.auditOf('routing_rule', 'shortcode')).map((row) => row.action)).toEqual([
      'routing_rule.create',
      'routing_rule.update',
    ]);
    expect((await sut.patch('/admin/v1/routing/rules/nope', { priority: 1 })).body).toMatchObject({
      code: 'routing_rule_not_found',
    });
  });

  it('lists rules in the order routing tries them, page by page', async () => {
    await sut.post('/admin/v1/routing/rules', { id: 'z-first', priority: 1, carrierId: 'telco-c' });
    const first = await sut.get('/admin/v1/routing/rules?limit=2');
    const ids = (page: typeof first) => (page.body.items as { id: string }[]).map((r) => r.id);
    expect(ids(first)).toEqual(['z-first', 'acme-otp']);
    const second = await sut.get(
      `/admin/v1/routing/rules?limit=2&cursor=${String(first.body.nextCursor)}`,
    );
    expect(ids(second)).toEqual(['shortcode']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('replaces a group`s members, and refuses to delete a group rules target', async () => {
    const updated = await sut.patch('/admin/v1/routing/server-groups/eu', {
      strategy: 'least_cost',
      members: [{ carrierId: 'telco-c' }],
    });
    expect(updated).toMatchObject({
      status: 200,
      body: { strategy: 'least_cost', members: [{ carrierId: 'telco-c', position: 0, weight: 1 }] },
    });
    expect(await sut.prisma.serverGroupMember.count({ where: { serverGroupId: 'eu' } })).toBe(1);
    const unknownMember = await sut.patch('/admin/v1/routing/server-groups/eu', {
      members: [{ carrierId: 'telco-z' }],
    });
    expect(unknownMember.body).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: 'members', code: 'reference_unknown' }],
    });
    const inUse = await sut.delete('/admin/v1/routing/server-groups/eu');
    expect(inUse).toMatchObject({ status: 409, body: { code: 'server_group_in_use' } });

    await sut.post('/admin/v1/routing/server-groups', {
      id: 'spare',
      name: 'Spare',
      strategy: 'failover',
      members: [{ carrierId: 'telco-a' }],
    });
    expect((await sut.delete('/admin/v1/routing/server-groups/spare')).status).toBe(204);
    expect(await sut.prisma.serverGroupMember.count({ where: { serverGroupId: 'spare' } })).toBe(0);
  });

  it('keeps number ranges by prefix', async () => {
    const created = await sut.post('/admin/v1/routing/number-ranges', {
      prefix: '38267',
      network: 'ME-Telenor',
    });
    expect(created).toMatchObject({
      status: 201,
      body: { prefix: '38267', network: 'ME-Telenor' },
    });
    expect(
      (await sut.post('/admin/v1/routing/number-ranges', { prefix: '38267', network: 'x' })).body,
    ).toMatchObject({ code: 'number_range_exists' });
    expect(
      (await sut.post('/admin/v1/routing/number-ranges', { prefix: '+38267', network: 'x' })).body,
    ).toMatchObject({ code: 'validation_failed', errors: [{ field: 'prefix' }] });
    await sut.post('/admin/v1/routing/number-ranges', { prefix: '38269', network: 'ME-One' });
    await sut.post('/admin/v1/routing/number-ranges', { prefix: '4915', network: 'DE-T' });
    const listed = await sut.get('/admin/v1/routing/number-ranges?prefix=382');
    expect((listed.body.items as { prefix: string }[]).map((r) => r.prefix)).toEqual([
      '38267',
      '38269',
    ]);
    expect(
      (await sut.patch('/admin/v1/routing/number-ranges/38269', { network: 'ME-1' })).body,
    ).toMatchObject({ network: 'ME-1' });
    expect((await sut.delete('/admin/v1/routing/number-ranges/4915')).status).toBe(204);
    expect((await sut.get('/admin/v1/routing/number-ranges/4915')).body).toMatchObject({
      code: 'number_range_not_found',
    });
  });

  it('keeps one price per carrier, prefix and class, all in one currency', async () => {
    const price = {
      id: 'a-me',
      carrierId: 'telco-a',
      prefix: '382',
      priceMinor: 4,
      currency: 'EUR',
    };
    const created = await sut.post('/admin/v1/routing/prices', price);
    expect(created).toMatchObject({ status: 201, body: { ...price, classOfService: null } });
    expect(
      (await sut.post('/admin/v1/routing/prices', { ...price, id: 'a-me-2' })).body,
    ).toMatchObject({ code: 'price_exists' });
    expect(
      (
        await sut.post('/admin/v1/routing/prices', {
          ...price,
          id: 'a-me-bulk',
          classOfService: 'bulk',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await sut.post('/admin/v1/routing/prices', {
          ...price,
          id: 'b-me',
          carrierId: 'telco-b',
          currency: 'USD',
        })
      ).body,
    ).toMatchObject({ code: 'price_currency_mismatch' });
    expect(
      (await sut.post('/admin/v1/routing/prices', { ...price, id: 'z', carrierId: 'telco-z' }))
        .body,
    ).toMatchObject({ errors: [{ field: 'carrierId', code: 'reference_unknown' }] });
    const patched = await sut.patch('/admin/v1/routing/prices/a-me', { priceMinor: 3 });
    expect(patched.body).toMatchObject({ priceMinor: 3 });
    expect((await sut.auditOf('carrier_price', 'a-me')).map((row) => row.action)).toEqual([
      'carrier_price.create',
      'carrier_price.update',
    ]);
    const listed = await sut.get('/admin/v1/routing/prices?carrierId=telco-a');
    expect((listed.body.items as { id: string }[]).map((p) => p.id)).toEqual(['a-me', 'a-me-bulk']);
  });
});
