import {
  carrierPriceDocument,
  compileContentPattern,
  numberRangeDocument,
  routingRuleDocument,
  serverGroupDocument,
} from './routing-config';

const rule = {
  priority: 10,
  enabled: true,
  tenantId: null,
  classOfService: null,
  destinationPrefix: null,
  country: null,
  network: null,
  sender: null,
  shortCode: null,
  keyword: null,
  contentPattern: null,
  timeZone: null,
  windowStart: null,
  windowEnd: null,
  windowDays: [],
  carrierId: 'telco-a',
  serverGroupId: null,
};

const issuesOf = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  result.error?.issues.map((issue) => issue.path.join('.')) ?? [];

describe('routing configuration documents', () => {
  it('accepts a rule with a target and every condition set', () => {
    const full = {
      ...rule,
      tenantId: 'acme',
      classOfService: 'otp',
      destinationPrefix: '+38267',
      country: 'ME',
      network: 'ME-Telenor',
      sender: 'ACME',
      shortCode: '1234',
      keyword: 'BAL',
      contentPattern: '/\\bcode\\b/i',
      timeZone: 'Europe/Podgorica',
      windowStart: '22:00',
      windowEnd: '06:00',
      windowDays: [5, 6],
    };
    expect(routingRuleDocument.safeParse(full).success).toBe(true);
  });

  it('needs exactly one target, and a window for days and zone', () => {
    expect(issuesOf(routingRuleDocument.safeParse({ ...rule, carrierId: null }))).toEqual([
      'carrierId',
    ]);
    expect(issuesOf(routingRuleDocument.safeParse({ ...rule, serverGroupId: 'g' }))).toEqual([
      'serverGroupId',
    ]);
    expect(issuesOf(routingRuleDocument.safeParse({ ...rule, windowStart: '08:00' }))).toEqual([
      'windowEnd',
    ]);
    expect(issuesOf(routingRuleDocument.safeParse({ ...rule, windowDays: [1] }))).toEqual([
      'windowStart',
    ]);
  });

  it('refuses patterns that do not compile or carry stateful flags, and unknown zones', () => {
    expect(issuesOf(routingRuleDocument.safeParse({ ...rule, contentPattern: '(' }))).toEqual([
      'contentPattern',
    ]);
    expect(issuesOf(routingRuleDocument.safeParse({ ...rule, contentPattern: '/x/g' }))).toEqual([
      'contentPattern',
    ]);
    expect(() => compileContentPattern('/x/y')).toThrow('flag(s) y not allowed');
    expect(compileContentPattern('/x/is').flags).toBe('isu');
    expect(
      issuesOf(
        routingRuleDocument.safeParse({
          ...rule,
          timeZone: 'Mars/Olympus',
          windowStart: '08:00',
          windowEnd: '09:00',
        }),
      ),
    ).toEqual(['timeZone']);
  });

  it('server groups: a strategy, members once each, weights default to 1', () => {
    const parsed = serverGroupDocument.parse({
      name: 'EU',
      strategy: 'weighted',
      members: [{ carrierId: 'a', weight: 70 }, { carrierId: 'b' }],
    });
    expect(parsed.members).toEqual([
      { carrierId: 'a', position: 0, weight: 70 },
      { carrierId: 'b', position: 0, weight: 1 },
    ]);
    expect(
      issuesOf(
        serverGroupDocument.safeParse({
          name: 'EU',
          strategy: 'random',
          members: [{ carrierId: 'a' }, { carrierId: 'a' }],
        }),
      ),
    ).toEqual(['strategy', 'members.1.carrierId']);
  });

  it('number ranges and prices: bare digits, prices in minor units of a currency', () => {
    expect(numberRangeDocument.safeParse({ prefix: '38267', network: 'ME' }).success).toBe(true);
    expect(issuesOf(numberRangeDocument.safeParse({ prefix: '+38267', network: 'ME' }))).toEqual([
      'prefix',
    ]);
    const price = {
      carrierId: 'a',
      prefix: '',
      classOfService: null,
      priceMinor: 4,
      currency: 'EUR',
    };
    expect(carrierPriceDocument.safeParse(price).success).toBe(true);
    expect(
      issuesOf(carrierPriceDocument.safeParse({ ...price, priceMinor: 0.5, currency: 'eur' })),
    ).toEqual(['priceMinor', 'currency']);
  });
});
