import { accountingRecordEvent } from '@tuxhat/contracts';
import { CSV_COLUMNS } from '@tuxhat/billing';
import { insertAccountingRecords, testAccountingRecord } from '@tuxhat/testing';

import { AdminHarness } from './support/admin-harness';

describe('admin API: accounting', () => {
  let sut: AdminHarness;

  beforeAll(async () => {
    sut = await AdminHarness.start('admin_accounting');
    await sut.prisma.tenant.createMany({
      data: ['acme', 'globex'].map((id) => ({ id, name: id })),
    });
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('creates, changes and deletes a tariff: validated, audited, revision bumped', async () => {
    const revision = await sut.revision();
    const created = await sut.post('/admin/v1/accounting/tariffs', {
      id: 'acme-me-otp',
      tenantId: 'acme',
      prefix: '38267',
      classOfService: 'otp',
      priceMinor: 3,
      currency: 'EUR',
    });
    expect(created).toMatchObject({
      status: 201,
      body: { id: 'acme-me-otp', tenantId: 'acme', prefix: '38267', priceMinor: 3 },
    });
    expect(await sut.revision()).toBeGreaterThan(revision);
    expect(await sut.auditOf('tariff', 'acme-me-otp')).toEqual([
      expect.objectContaining({
        actor: 'ops-alice',
        action: 'tariff.create',
        before: null,
        after: created.body,
      }),
    ]);

    const defaults = await sut.post('/admin/v1/accounting/tariffs', {
      id: 'default',
      priceMinor: 5,
      currency: 'EUR',
    });
    expect(defaults.body).toMatchObject({ tenantId: null, prefix: '', classOfService: null });

    const changed = await sut.patch('/admin/v1/accounting/tariffs/acme-me-otp', { priceMinor: 4 });
    expect(changed).toMatchObject({ status: 200, body: { priceMinor: 4, currency: 'EUR' } });
    const list = await sut.get('/admin/v1/accounting/tariffs?tenantId=acme');
    expect(list.body).toMatchObject({ items: [{ id: 'acme-me-otp' }], nextCursor: null });

    expect((await sut.delete('/admin/v1/accounting/tariffs/default')).status).toBe(204);
    expect(await sut.get('/admin/v1/accounting/tariffs/default')).toMatchObject({
      status: 404,
      body: { code: 'tariff_not_found' },
    });
    expect((await sut.auditOf('tariff', 'acme-me-otp')).map((row) => row.action)).toEqual([
      'tariff.create',
      'tariff.update',
    ]);
  });

  it('refuses a tariff that names no tenant, a bad prefix, or one that doubles another', async () => {
    const unknown = await sut.post('/admin/v1/accounting/tariffs', {
      id: 'nobody',
      tenantId: 'nobody',
      priceMinor: 1,
      currency: 'EUR',
    });
    expect(unknown).toMatchObject({
      status: 400,
      body: {
        code: 'validation_failed',
        errors: [{ field: 'tenantId', code: 'reference_unknown' }],
      },
    });
    const invalid = await sut.post('/admin/v1/accounting/tariffs', {
      id: 'bad',
      prefix: '+382',
      priceMinor: 1.5,
      currency: 'eur',
    });
    expect(invalid.status).toBe(400);
    expect((invalid.body.errors as { field: string }[]).map((error) => error.field).sort()).toEqual(
      ['currency', 'prefix', 'priceMinor'],
    );
    await sut.post('/admin/v1/accounting/tariffs', {
      id: 'globex-de',
      tenantId: 'globex',
      prefix: '49',
      priceMinor: 7,
      currency: 'EUR',
    });
    const twin = await sut.post('/admin/v1/accounting/tariffs', {
      id: 'globex-de-2',
      tenantId: 'globex',
      prefix: '49',
      priceMinor: 8,
      currency: 'EUR',
    });
    expect(twin).toMatchObject({ status: 409, body: { code: 'tariff_exists' } });
  });

  it('switches a billing rule on with parameters its type validates', async () => {
    const badParams = await sut.post('/admin/v1/accounting/billing-rules', {
      id: 'otp',
      tenantId: 'acme',
      rule: 'free-otp-retry',
      params: { windowMinutes: 0, colour: 'red' },
    });
    expect(badParams.status).toBe(400);
    expect(
      (badParams.body.errors as { field: string }[]).map((error) => error.field).sort(),
    ).toEqual(['params.colour', 'params.windowMinutes']);
    const unknownType = await sut.post('/admin/v1/accounting/billing-rules', {
      id: 'otp',
      rule: 'half-price-fridays',
    });
    expect(unknownType).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'rule' }] },
    });

    const created = await sut.post('/admin/v1/accounting/billing-rules', {
      id: 'otp',
      tenantId: 'acme',
      rule: 'free-otp-retry',
      params: { windowMinutes: 10 },
    });
    expect(created).toMatchObject({
      status: 201,
      body: { rule: 'free-otp-retry', params: { windowMinutes: 10 }, position: 0, enabled: true },
    });
    const disabled = await sut.patch('/admin/v1/accounting/billing-rules/otp', { enabled: false });
    expect(disabled.body).toMatchObject({ enabled: false });
    const retyped = await sut.patch('/admin/v1/accounting/billing-rules/otp', {
      rule: 'other',
    });
    expect(retyped.status).toBe(400);
    expect(retyped.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'rule', code: 'unknown_field' })]),
    );
    expect((await sut.auditOf('billing_rule', 'otp')).map((row) => row.action)).toEqual([
      'billing_rule.create',
      'billing_rule.update',
    ]);
  });

  describe('usage and export', () => {
    const record = testAccountingRecord;

    beforeAll(async () => {
      await insertAccountingRecords(sut.prisma, [
        record('u-1'),
        record('u-2', {
          finalStatus: 'undeliverable',
          priceMinor: 0,
          charged: false,
          costCurrency: 'USD',
          acceptedAt: new Date('2026-11-30T23:59:59.999Z'),
        }),
        record('u-3', { tenantId: 'globex', classOfService: 'bulk' }),
        record('u-4', { source: '=cmd', clientReference: 'ref, "quoted"' }),
        record('u-open', { finalStatus: null, finalAt: null, revision: 0 }),
        record('u-dec', { acceptedAt: new Date('2026-12-01T00:00:00.000Z') }),
      ]);
    });

    it('reports a month of usage per tenant from final records', async () => {
      const usage = await sut.get('/admin/v1/accounting/usage?month=2026-11');
      expect(usage).toMatchObject({
        status: 200,
        body: {
          month: '2026-11',
          timeZone: 'UTC',
          from: '2026-11-01T00:00:00.000Z',
          to: '2026-12-01T00:00:00.000Z',
          tenants: [
            {
              tenantId: 'acme',
              messages: 3,
              parts: 6,
              chargedMessages: 2,
              byStatus: { delivered: 2, undeliverable: 1 },
              byClass: { otp: 3 },
              price: [{ currency: 'EUR', minor: 12 }],
              cost: expect.arrayContaining([
                { currency: 'EUR', minor: 8 },
                { currency: 'USD', minor: 4 },
              ]),
            },
            { tenantId: 'globex', messages: 1, byClass: { bulk: 1 } },
          ],
        },
      });
      const one = await sut.get('/admin/v1/accounting/usage?month=2026-11&tenantId=globex');
      expect((one.body.tenants as unknown[]).length).toBe(1);
      // A tenant without a policy counts in UTC, as its quota and its GET /v1/usage do.
      expect(one.body).toMatchObject({ timeZone: 'UTC', from: '2026-11-01T00:00:00.000Z' });
      const bad = await sut.get('/admin/v1/accounting/usage?month=2026-13');
      expect(bad).toMatchObject({ status: 400, body: { errors: [{ field: 'month' }] } });
    });

    describe('in a time zone', () => {
      // kiwi's policy counts months in Auckland (UTC+13 in February 2027): February there runs
      // from 2027-01-31T11:00Z to 2027-02-28T11:00Z.
      const usage = (query: string) => sut.get(`/admin/v1/accounting/usage?month=2027-02&${query}`);
      const kiwi = (messageId: string, acceptedAt: string, parts = 2) =>
        record(messageId, { tenantId: 'kiwi', parts, acceptedAt: new Date(acceptedAt) });

      beforeAll(async () => {
        await sut.prisma.tenant.create({ data: { id: 'kiwi', name: 'kiwi' } });
        // The latest policy version's zone counts, not an earlier one's.
        for (const timeZone of ['Europe/Berlin', 'Pacific/Auckland']) {
          const put = await sut.request('PUT', '/admin/v1/tenants/kiwi/policy', {
            body: { timeZone },
          });
          expect(put.status).toBe(200);
        }
        await insertAccountingRecords(sut.prisma, [
          kiwi('k-jan', '2027-01-31T12:00:00.000Z', 1), // January in UTC, February in Auckland
          kiwi('k-feb', '2027-02-14T00:00:00.000Z'),
          kiwi('k-feb-last', '2027-02-28T10:59:59.999Z'), // February in both
          kiwi('k-mar', '2027-02-28T11:00:00.000Z'), // February in UTC, March in Auckland
          kiwi('k-mar-2', '2027-02-28T20:00:00.000Z'),
        ]);
      });

      const inAuckland = {
        timeZone: 'Pacific/Auckland',
        from: '2027-01-31T11:00:00.000Z',
        to: '2027-02-28T11:00:00.000Z',
        tenants: [{ tenantId: 'kiwi', messages: 3, parts: 5 }],
      };
      const inUtc = {
        timeZone: 'UTC',
        from: '2027-02-01T00:00:00.000Z',
        to: '2027-03-01T00:00:00.000Z',
        tenants: [{ tenantId: 'kiwi', messages: 4, parts: 8 }],
      };

      it("counts one tenant's month in its policy zone, as its quota and GET /v1/usage do", async () => {
        expect(await usage('tenantId=kiwi')).toMatchObject({
          status: 200,
          body: { month: '2027-02', ...inAuckland },
        });
      });

      it('counts in the zone asked for, with a tenant or across tenants', async () => {
        expect((await usage('tenantId=kiwi&timeZone=UTC')).body).toMatchObject(inUtc);
        expect((await usage('timeZone=Pacific/Auckland')).body).toMatchObject(inAuckland);
      });

      it('counts across tenants in UTC when no zone is asked for', async () => {
        expect((await usage('')).body).toMatchObject(inUtc);
      });

      it.each(['Mars/Olympus', ''])('refuses the time zone "%s"', async (zone) => {
        const answer = await usage(`tenantId=kiwi&timeZone=${encodeURIComponent(zone)}`);
        expect(answer).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
        // The empty name breaks two rules (a name at all, a known zone): both are reported.
        const errors = answer.body.errors as { field: string; code: string }[];
        expect(new Set(errors.map(({ field, code }) => `${field} ${code}`))).toEqual(
          new Set(['timeZone field_invalid']),
        );
      });
    });

    it('streams a period as NDJSON records of the topic format, or as CSV', async () => {
      const period = 'from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z';
      const ndjson = await fetch(
        `${sut.admin.url}/admin/v1/accounting/export?tenantId=acme&${period}`,
        { headers: { authorization: `Bearer ${sut.key}` } },
      );
      expect(ndjson.status).toBe(200);
      expect(ndjson.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      expect(ndjson.headers.get('content-disposition')).toContain(
        'accounting-acme-2026-11-01-2026-12-01.ndjson',
      );
      const lines = (await ndjson.text()).trimEnd().split('\n');
      const records = lines.map((line) => accountingRecordEvent.parse(JSON.parse(line)));
      expect(records.map((r) => r.messageId)).toEqual(['u-1', 'u-4', 'u-2']);

      const csv = await fetch(`${sut.admin.url}/admin/v1/accounting/export?${period}&format=csv`, {
        headers: { authorization: `Bearer ${sut.key}` },
      });
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const rows = (await csv.text()).trimEnd().split('\r\n');
      expect(rows[0]).toBe(CSV_COLUMNS.join(','));
      expect(rows).toHaveLength(1 + 4);
      expect(rows.find((row) => row.startsWith('u-4,'))).toContain(`'=cmd`);

      const reversed = await sut.get(
        '/admin/v1/accounting/export?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z',
      );
      expect(reversed).toMatchObject({ status: 400, body: { errors: [{ field: 'to' }] } });
    });
  });
});
