import { type Tariff, TariffBook } from './tariff';

const tariff = (id: string, fields: Partial<Tariff>): Tariff => ({
  id,
  tenantId: null,
  prefix: '',
  classOfService: null,
  priceMinor: 1,
  currency: 'EUR',
  ...fields,
});

describe(TariffBook.name, () => {
  const sut = new TariffBook([
    tariff('default-any', { priceMinor: 9 }),
    tariff('default-me', { prefix: '382', priceMinor: 5 }),
    tariff('default-me-mobile-otp', { prefix: '38267', classOfService: 'otp', priceMinor: 3 }),
    tariff('acme-me', { tenantId: 'acme', prefix: '382', priceMinor: 4 }),
    tariff('acme-me-bulk', {
      tenantId: 'acme',
      prefix: '382',
      classOfService: 'bulk',
      priceMinor: 2,
    }),
    tariff('globex-any', { tenantId: 'globex', priceMinor: 7, currency: 'USD' }),
  ]);

  it('takes the longest matching prefix, class-specific before general', () => {
    expect(sut.find('other', '+38267123456', 'otp')?.id).toBe('default-me-mobile-otp');
    expect(sut.find('other', '+38267123456', 'bulk')?.id).toBe('default-me');
    expect(sut.find('other', '+38269123456', 'otp')?.id).toBe('default-me');
    expect(sut.find('other', '+4915112345678', 'otp')?.id).toBe('default-any');
  });

  it("prefers the tenant's own tariffs to the defaults, even a less precise one", () => {
    expect(sut.find('acme', '+38267123456', 'otp')?.id).toBe('acme-me');
    expect(sut.find('acme', '+38267123456', 'bulk')?.id).toBe('acme-me-bulk');
    // acme has nothing for Germany: the default applies
    expect(sut.find('acme', '+4915112345678', 'otp')?.id).toBe('default-any');
    // globex's catch-all beats the more precise default
    expect(sut.find('globex', '+38267123456', 'otp')?.id).toBe('globex-any');
  });

  it('quotes per part in the tariff currency', () => {
    expect(
      sut.quote({
        tenantId: 'globex',
        destination: '+38267123456',
        classOfService: 'bulk',
        parts: 3,
      }),
    ).toEqual({
      tariffId: 'globex-any',
      pricePerPartMinor: 7,
      parts: 3,
      amountMinor: 21,
      currency: 'USD',
    });
  });

  it('quotes nothing when no tariff matches', () => {
    const empty = new TariffBook([tariff('acme-only', { tenantId: 'acme', prefix: '49' })]);
    expect(
      empty.quote({
        tenantId: 'other',
        destination: '+4915112345678',
        classOfService: 'otp',
        parts: 1,
      }),
    ).toBeUndefined();
  });
});
