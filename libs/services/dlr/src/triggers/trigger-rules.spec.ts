import { type TriggerRule, matchTriggers } from './trigger-rules';

const rule = (overrides: Partial<TriggerRule> & Pick<TriggerRule, 'id'>): TriggerRule => ({
  tenantId: null,
  routeId: null,
  carrierId: null,
  states: [],
  errorCodes: [],
  action: 'ops_topic',
  url: null,
  priority: 100,
  ...overrides,
});

const subject = {
  tenantId: 'acme',
  routeId: 'r1',
  carrierId: 'telco-a',
  state: 'undeliverable' as const,
  errorCode: '001',
};

describe(matchTriggers.name, () => {
  it('matches on every criterion that is set, empty ones matching all', () => {
    const rules = [
      rule({ id: 'any' }),
      rule({ id: 'tenant', tenantId: 'acme' }),
      rule({ id: 'other-tenant', tenantId: 'globex' }),
      rule({ id: 'route', routeId: 'r1' }),
      rule({ id: 'other-route', routeId: 'r2' }),
      rule({ id: 'carrier', carrierId: 'telco-a' }),
      rule({ id: 'other-carrier', carrierId: 'telco-b' }),
      rule({ id: 'state', states: ['undeliverable', 'rejected'] }),
      rule({ id: 'other-state', states: ['delivered'] }),
      rule({ id: 'code', errorCodes: ['1'] }), // "001" and "1" are the same code
      rule({ id: 'other-code', errorCodes: ['002'] }),
    ];
    expect(
      matchTriggers(rules, subject)
        .map((each) => each.id)
        .sort(),
    ).toEqual(['any', 'carrier', 'code', 'route', 'state', 'tenant']);
  });

  it('does not match an error-code rule when the receipt has no error code', () => {
    expect(
      matchTriggers([rule({ id: 'code', errorCodes: ['1'] })], {
        ...subject,
        errorCode: undefined,
      }),
    ).toEqual([]);
  });

  it('orders by priority and keeps only the first reroute', () => {
    const rules = [
      rule({ id: 'late-reroute', action: 'reroute', priority: 20 }),
      rule({ id: 'hook', action: 'webhook', url: 'https://x', priority: 30 }),
      rule({ id: 'early-reroute', action: 'reroute', priority: 10 }),
    ];
    expect(matchTriggers(rules, subject).map((each) => each.id)).toEqual(['early-reroute', 'hook']);
  });
});
