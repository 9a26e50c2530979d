import { insertAccountingRecords, testAccountingRecord, waitFor } from '@tuxhat/testing';

import { IngressHarness, type Json, statusEvent } from './support/ingress-harness';

const VALID = { to: '+38267123456', from: 'TuxHat', text: 'listed' };

describe('ingress GET /v1/messages (listing)', () => {
  let sut: IngressHarness;
  let key: string;
  /** Ids in creation order. */
  const ids: string[] = [];

  beforeAll(async () => {
    sut = await IngressHarness.start('ingress_listing');
    key = (await sut.addTenant('lister')).key.key;
    await sut.refreshConfig();
    const bodies = [
      { ...VALID, to: '+38267000001' },
      { ...VALID, to: '+38267000002', from: 'Shop' },
      { ...VALID, to: '+38267000001', from: '1234' },
      { ...VALID, to: '+38267000003' },
      { ...VALID, to: '+38267000001', priority: 'otp' },
    ];
    for (const body of bodies) {
      const answer = await sut.submit(body, key);
      ids.push(String(answer.body.id));
    }
    sut.publishStatus([
      statusEvent(ids[0], 'delivered', { tenantId: 'lister' }),
      statusEvent(ids[3], 'failed', { tenantId: 'lister' }),
    ]);
    await waitFor('the statuses to be projected', async () =>
      (await sut.prisma.message.count({
        where: { id: { in: [ids[0], ids[3]] }, status: { not: 'accepted' } },
      })) === 2
        ? true
        : undefined,
    );
  });

  afterAll(async () => {
    await sut?.close();
  });

  const listIds = async (query: string): Promise<string[]> => {
    const answer = await sut.list(query, key);
    expect(answer.status).toBe(200);
    return (answer.body.items as Json[]).map((item) => String(item.id));
  };

  it('lists the tenant’s messages newest first, without text or history', async () => {
    const answer = await sut.list('', key);
    expect(answer.status).toBe(200);
    expect((answer.body.items as Json[]).map((item) => item.id)).toEqual([...ids].reverse());
    expect(answer.body.nextCursor).toBeNull();
    const first = (answer.body.items as Json[])[0];
    expect(first).toEqual({
      id: ids[4],
      to: '+38267000001',
      from: 'TuxHat',
      status: 'accepted',
      statusDetail: null,
      statusErrorCode: null,
      encoding: 'gsm7',
      parts: 1,
      clientReference: null,
      priority: 'otp',
      validUntil: null,
      scheduledAt: null,
      callbackUrl: null,
      metadata: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(JSON.stringify(answer.body)).not.toContain('listed');
  });

  it('filters by status, destination, sender and time', async () => {
    expect(await listIds('status=delivered')).toEqual([ids[0]]);
    expect(await listIds('status=delivered,failed')).toEqual([ids[3], ids[0]]);
    expect(await listIds('status=failed&status=delivered')).toEqual([ids[3], ids[0]]);
    // The destination is normalised like a submission's.
    expect(await listIds(`to=${encodeURIComponent('+382 67 000 001')}`)).toEqual([
      ids[4],
      ids[2],
      ids[0],
    ]);
    expect(await listIds('from=Shop')).toEqual([ids[1]]);
    expect(await listIds('from=1234&to=%2B38267000001')).toEqual([ids[2]]);
    const rows = await sut.prisma.message.findMany({
      where: { id: { in: ids } },
      orderBy: { id: 'asc' },
    });
    const since = rows[2].createdAt.toISOString();
    const until = rows[4].createdAt.toISOString();
    expect(await listIds(`since=${since}&until=${until}`)).toEqual(
      rows
        .filter((row) => row.createdAt >= rows[2].createdAt && row.createdAt < rows[4].createdAt)
        .map((row) => row.id)
        .reverse(),
    );
  });

  it('pages with an opaque cursor, stable while new messages arrive', async () => {
    const first = await sut.list('limit=2', key);
    expect((first.body.items as Json[]).map((item) => item.id)).toEqual([ids[4], ids[3]]);
    expect(first.body.nextCursor).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]+$/));

    // Newer messages sort before the first page: they do not shift the pages after it.
    await sut.submit({ ...VALID, text: 'arrived meanwhile' }, key);
    const second = await sut.list(`limit=2&cursor=${String(first.body.nextCursor)}`, key);
    expect((second.body.items as Json[]).map((item) => item.id)).toEqual([ids[2], ids[1]]);
    const third = await sut.list(`limit=2&cursor=${String(second.body.nextCursor)}`, key);
    expect((third.body.items as Json[]).map((item) => item.id)).toEqual([ids[0]]);
    expect(third.body.nextCursor).toBeNull();
  });

  it('keeps messages created in the same millisecond apart by id', async () => {
    const tenant = await sut.addTenant('same-ms');
    await sut.refreshConfig();
    const answer = await sut.submitBatch(
      Array.from({ length: 5 }, () => VALID),
      tenant.key.key,
    );
    const batchIds = (answer.body.results as Json[]).map((result) => String(result.id));
    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 5; page++) {
      const listed = await sut.list(`limit=2${cursor ? `&cursor=${cursor}` : ''}`, tenant.key.key);
      seen.push(...(listed.body.items as Json[]).map((item) => String(item.id)));
      if (listed.body.nextCursor === null) break;
      cursor = listed.body.nextCursor as string;
    }
    expect(seen).toEqual([...batchIds].reverse());
  });

  it.each([
    ['status=lost', 'status', 'status_invalid'],
    ['to=12345', 'to', 'to_invalid'],
    ['from=%0A', 'from', 'from_invalid'],
    ['since=yesterday', 'since', 'since_invalid'],
    ['until=2026-13-01T00:00:00Z', 'until', 'until_invalid'],
    ['limit=0', 'limit', 'limit_invalid'],
    ['limit=501', 'limit', 'limit_invalid'],
    ['limit=ten', 'limit', 'limit_invalid'],
    ['cursor=abc', 'cursor', 'cursor_invalid'],
    ['cursor=%00', 'cursor', 'cursor_invalid'],
    ['sort=asc', 'sort', 'unknown_field'],
    ['limit=1&limit=2', 'limit', 'limit_invalid'],
  ])('answers 400 for %s', async (query, field, code) => {
    const answer = await sut.list(query, key);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'validation_failed', errors: [{ field, code }] });
  });
});

describe('ingress GET /v1/usage', () => {
  let sut: IngressHarness;

  beforeAll(async () => {
    sut = await IngressHarness.start('ingress_usage');
    await sut.prisma.tenantUsage.createMany({
      data: [
        { tenantId: 'acme', month: '2026-10', messages: 120, parts: 130 },
        { tenantId: 'other', month: '2026-10', messages: 7, parts: 7 },
      ],
    });
    const october = (day: string) => ({ acceptedAt: new Date(`2026-10-${day}T10:00:00.000Z`) });
    await insertAccountingRecords(sut.prisma, [
      testAccountingRecord('acme-delivered', october('05')),
      testAccountingRecord('acme-undeliverable', {
        ...october('20'),
        finalStatus: 'undeliverable',
        priceMinor: 0,
        charged: false,
      }),
      testAccountingRecord('acme-failed', {
        ...october('31'),
        finalStatus: 'failed',
        parts: 1,
        priceMinor: 3,
        priceCurrency: 'USD',
      }),
      // September in UTC, 1 October 00:30 in Podgorica (UTC+2).
      testAccountingRecord('acme-edge', {
        acceptedAt: new Date('2026-09-30T22:30:00.000Z'),
        finalStatus: 'expired',
      }),
      testAccountingRecord('acme-november', { acceptedAt: new Date('2026-11-01T10:00:00.000Z') }),
      testAccountingRecord('acme-open', { ...october('07'), finalStatus: null, revision: 0 }),
      testAccountingRecord('other-delivered', {
        ...october('06'),
        tenantId: 'other',
        parts: 5,
        priceMinor: 100,
      }),
    ]);
  });

  afterAll(async () => {
    await sut?.close();
  });

  const usage = (query: string, key = sut.acme.key.key) =>
    sut.request('GET', `/v1/usage${query ? `?${query}` : ''}`, { key });

  /** acme's October records in UTC: another tenant's, September's and November's left out. */
  const acmeOctoberUtc = {
    messages: 3,
    parts: 5,
    byStatus: { delivered: 1, undeliverable: 1, failed: 1 },
    chargedMessages: 2,
    price: [
      { currency: 'EUR', minor: 6 },
      { currency: 'USD', minor: 3 },
    ],
  };

  it('answers the policy’s counters for the month, without a quota when the policy sets none', async () => {
    const answer = await usage('month=2026-10');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      month: '2026-10',
      timeZone: 'UTC',
      messages: 120,
      parts: 130,
      quota: null,
      remaining: null,
      records: acmeOctoberUtc,
    });
    expect((await usage('month=2026-09')).body).toMatchObject({ messages: 0, parts: 0 });
    expect((await usage('month=2026-10', sut.other.key.key)).body).toMatchObject({ messages: 7 });
  });

  it('answers the month’s accounting records of the calling tenant only', async () => {
    expect((await usage('month=2026-10', sut.other.key.key)).body).toMatchObject({
      records: {
        messages: 1,
        parts: 5,
        byStatus: { delivered: 1 },
        chargedMessages: 1,
        price: [{ currency: 'EUR', minor: 100 }],
      },
    });
    expect((await usage('month=2026-09')).body).toMatchObject({
      records: { messages: 1, byStatus: { expired: 1 }, price: [{ currency: 'EUR', minor: 6 }] },
    });
    expect((await usage('month=2026-12')).body).toMatchObject({
      records: { messages: 0, parts: 0, byStatus: {}, chargedMessages: 0, price: [] },
    });
  });

  it('answers the same records over gRPC GetUsage', async () => {
    const answer = await sut.grpc().usage({ month: '2026-10' });
    expect(answer).toMatchObject({ month: '2026-10', messages: 120, parts: 130 });
    const records = answer.records as Json;
    // int64 amounts arrive as Long objects (proto-loader without `longs`).
    const price = (records.price as Json[]).map((amount) => ({
      currency: amount.currency,
      minor: Number(String(amount.minor)),
    }));
    expect({ ...records, price }).toEqual(acmeOctoberUtc);
    const other = await sut.grpc(sut.other.key.key).usage({ month: '2026-10' });
    expect(other.records).toMatchObject({ messages: 1, byStatus: { delivered: 1 } });
  });

  it('answers the quota left from the tenant’s latest policy', async () => {
    await sut.setPolicy('acme', { monthlyQuota: { messages: 100 } });
    await sut.setPolicy('acme', {
      monthlyQuota: { messages: 1_000, parts: 125 },
      timeZone: 'Europe/Podgorica',
    });
    await sut.refreshConfig();
    expect((await usage('month=2026-10')).body).toEqual({
      month: '2026-10',
      timeZone: 'Europe/Podgorica',
      messages: 120,
      parts: 130,
      quota: { messages: 1_000, parts: 125 },
      remaining: { messages: 880, parts: 0 },
      // The records' month is the counters' month: October in Podgorica takes in acme-edge.
      records: {
        messages: 4,
        parts: 7,
        byStatus: { delivered: 1, undeliverable: 1, failed: 1, expired: 1 },
        chargedMessages: 3,
        price: [
          { currency: 'EUR', minor: 12 },
          { currency: 'USD', minor: 3 },
        ],
      },
    });
  });

  it('defaults to the current month in the policy’s zone', async () => {
    const answer = await usage('');
    expect(answer.body.month).toMatch(/^\d{4}-\d{2}$/);
    expect(answer.body.messages).toBe(0);
  });

  it.each([['month=2026-13'], ['month=26-10'], ['month=2026-10&month=2026-11'], ['year=2026']])(
    'answers 400 for %s',
    async (query) => {
      const answer = await usage(query);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'validation_failed' });
    },
  );
});
