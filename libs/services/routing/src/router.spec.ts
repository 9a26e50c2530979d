import type { MessageFields } from '@tuxhat/contracts';

import { message, priceRow, routeRow, routingConfig } from './config/routing-config.fixture';
import type { RoutingConfig, RoutingConfigRows, ServerGroupRow } from './config/routing-config';
import type { HealthState } from './health/health-board';
import { type RoutingDecision, decideRoute } from './router';

const NOW = new Date('2026-11-27T10:00:00Z');

function decide(
  config: RoutingConfig,
  msg: MessageFields = message(),
  {
    health = {},
    tried = [],
    lastResortUnhealthy = true,
  }: {
    health?: Record<string, HealthState>;
    tried?: string[];
    lastResortUnhealthy?: boolean;
  } = {},
): RoutingDecision {
  return decideRoute(
    config,
    (carrierId) => health[carrierId] ?? 'unknown',
    { message: msg, now: NOW, tried: new Set(tried) },
    { lastResortUnhealthy },
  );
}

const carrierOf = (decision: RoutingDecision) => (decision.routed ? decision.carrierId : null);

const group = (
  id: string,
  strategy: string,
  members: [carrierId: string, position: number, weight: number][],
): ServerGroupRow => ({
  id,
  name: id,
  strategy,
  members: members.map(([carrierId, position, weight]) => ({ carrierId, position, weight })),
});

/** One rule sending every message to one server group `g`. */
const viaGroup = (
  strategy: string,
  members: Parameters<typeof group>[2],
  rows: Partial<RoutingConfigRows> = {},
): RoutingConfig =>
  routingConfig({
    routes: [routeRow({ id: 'via-g', serverGroupId: 'g' })],
    groups: [group('g', strategy, members)],
    ...rows,
  });

describe(decideRoute.name, () => {
  it('takes the first matching rule by priority, then id', () => {
    const config = routingConfig({
      routes: [
        routeRow({ id: 'default', priority: 100, carrierId: 'telco-c' }),
        routeRow({ id: 'b-me', priority: 10, country: 'ME', carrierId: 'telco-b' }),
        routeRow({ id: 'a-me', priority: 10, country: 'ME', carrierId: 'telco-a' }),
      ],
    });
    expect(decide(config)).toMatchObject({
      routed: true,
      carrierId: 'telco-a',
      rule: { id: 'a-me' },
    });
    expect(carrierOf(decide(config, message({ destination: '+4915112345678' })))).toBe('telco-c');
  });

  it('ignores disabled rules', () => {
    const config = routingConfig({
      routes: [
        routeRow({ id: 'off', priority: 1, enabled: false, carrierId: 'telco-b' }),
        routeRow({ id: 'on', priority: 2, carrierId: 'telco-a' }),
      ],
    });
    expect(carrierOf(decide(config))).toBe('telco-a');
  });

  it('routes by keyword and short code to another group', () => {
    const config = routingConfig({
      routes: [
        routeRow({
          id: 'balance',
          priority: 1,
          shortCode: '1234',
          keyword: 'BAL',
          serverGroupId: 'pull',
        }),
        routeRow({ id: 'default', priority: 100, carrierId: 'telco-a' }),
      ],
      groups: [group('pull', 'failover', [['telco-c', 0, 1]])],
    });
    expect(carrierOf(decide(config, message({ source: '1234', text: 'bal' })))).toBe('telco-c');
    expect(carrierOf(decide(config, message({ source: '1234', text: 'hello' })))).toBe('telco-a');
  });

  it('weighted group: 70/30 over 10,000 messages within 3%', () => {
    const config = viaGroup('weighted', [
      ['telco-a', 0, 70],
      ['telco-b', 0, 30],
    ]);
    let a = 0;
    for (let i = 0; i < 10_000; i++) {
      if (carrierOf(decide(config, message())) === 'telco-a') a += 1;
    }
    expect(Math.abs(a / 10_000 - 0.7)).toBeLessThan(0.03);
  });

  it('weighted group: balances across the healthy members only, fails over past the unhealthy', () => {
    const config = viaGroup('weighted', [
      ['telco-a', 0, 50],
      ['telco-b', 0, 50],
      ['telco-c', 1, 1],
    ]);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 1_000; i++) {
      const carrier = carrierOf(decide(config, message(), { health: { 'telco-a': 'unhealthy' } }))!;
      counts[carrier] = (counts[carrier] ?? 0) + 1;
    }
    expect(counts).toEqual({ 'telco-b': 1_000 });
    const bothDown = { 'telco-a': 'unhealthy', 'telco-b': 'unhealthy' } as const;
    expect(carrierOf(decide(config, message(), { health: bothDown }))).toBe('telco-c');
  });

  it('least cost: the cheapest healthy carrier, with the cost of all parts', () => {
    const config = viaGroup(
      'least_cost',
      [
        ['telco-a', 0, 1],
        ['telco-b', 0, 1],
        ['telco-c', 0, 1],
      ],
      {
        prices: [
          priceRow('telco-a', '382', 5),
          priceRow('telco-b', '38267', 2),
          priceRow('telco-c', '', 3),
        ],
      },
    );
    expect(decide(config, message({ parts: 3 }))).toMatchObject({
      carrierId: 'telco-b',
      cost: { minor: 6, currency: 'EUR' },
    });
    const bDown = decide(config, message({ parts: 3 }), { health: { 'telco-b': 'unhealthy' } });
    expect(bDown).toMatchObject({ carrierId: 'telco-c', cost: { minor: 9, currency: 'EUR' } });
  });

  it('least cost: a class-specific price changes the choice', () => {
    const config = viaGroup(
      'least_cost',
      [
        ['telco-a', 0, 1],
        ['telco-b', 0, 1],
      ],
      {
        prices: [
          priceRow('telco-a', '', 5),
          priceRow('telco-b', '', 4),
          priceRow('telco-a', '', 1, 'bulk'),
        ],
      },
    );
    expect(carrierOf(decide(config, message()))).toBe('telco-b');
    expect(carrierOf(decide(config, message({ priority: 'bulk' })))).toBe('telco-a');
  });

  it('never picks a tried or disabled carrier; reports no carrier left when all were tried', () => {
    const config = viaGroup(
      'failover',
      [
        ['telco-a', 0, 1],
        ['telco-b', 1, 1],
        ['telco-c', 2, 1],
      ],
      {
        carriers: [
          { id: 'telco-a', enabled: true },
          { id: 'telco-b', enabled: false },
          { id: 'telco-c', enabled: true },
        ],
      },
    );
    expect(carrierOf(decide(config))).toBe('telco-a');
    expect(carrierOf(decide(config, message(), { tried: ['telco-a'] }))).toBe('telco-c');
    expect(decide(config, message(), { tried: ['telco-a', 'telco-c'] })).toMatchObject({
      routed: false,
      errorCode: 'no_carrier_left',
    });
  });

  it('falls through to the next matching rule when a rule has no usable carrier, and says so', () => {
    const config = routingConfig({
      routes: [
        routeRow({ id: 'first', priority: 1, carrierId: 'telco-a' }),
        routeRow({ id: 'second', priority: 2, carrierId: 'telco-b' }),
      ],
    });
    const decision = decide(config, message(), { health: { 'telco-a': 'unhealthy' } });
    expect(decision).toMatchObject({
      carrierId: 'telco-b',
      skipped: ['first (telco-a unhealthy)'],
    });
  });

  it('sends to an unhealthy carrier as a last resort, or fails when that is turned off', () => {
    const config = routingConfig({ routes: [routeRow({ id: 'only', carrierId: 'telco-a' })] });
    const down = { 'telco-a': 'unhealthy' } as const;
    expect(decide(config, message(), { health: down })).toMatchObject({
      routed: true,
      carrierId: 'telco-a',
      lastResort: true,
    });
    expect(decide(config, message(), { health: down, lastResortUnhealthy: false })).toMatchObject({
      routed: false,
      errorCode: 'no_route',
    });
  });

  it('reports no route when no rule matches', () => {
    const config = routingConfig({ routes: [routeRow({ id: 'de', country: 'DE' })] });
    expect(decide(config)).toEqual({ routed: false, errorCode: 'no_route', skipped: [] });
  });

  it('lists every candidate with verdict, health, weight and price, the chosen first', () => {
    const config = viaGroup(
      'least_cost',
      [
        ['telco-a', 0, 1],
        ['telco-b', 0, 2],
        ['telco-c', 0, 3],
      ],
      {
        prices: [
          priceRow('telco-a', '', 1),
          priceRow('telco-b', '', 2),
          priceRow('telco-c', '', 3),
        ],
      },
    );
    const decision = decide(config, message(), {
      health: { 'telco-a': 'unhealthy', 'telco-c': 'healthy' },
    });
    expect(decision.routed && decision.candidates).toEqual([
      { carrierId: 'telco-b', health: 'unknown', verdict: 'chosen', weight: 2, priceMinor: 2 },
      { carrierId: 'telco-c', health: 'healthy', verdict: 'next', weight: 3, priceMinor: 3 },
      { carrierId: 'telco-a', health: 'unhealthy', verdict: 'unhealthy', weight: 1, priceMinor: 1 },
    ]);
  });

  it('compiles out rows it cannot use and reports them', () => {
    const config = routingConfig({
      routes: [
        routeRow({ id: 'bad-regex', priority: 1, contentPattern: '(' }),
        routeRow({ id: 'no-group', priority: 2, serverGroupId: 'missing' }),
        routeRow({ id: 'good', priority: 3 }),
      ],
      groups: [group('odd', 'random', [['telco-a', 0, 1]])],
    });
    expect(config.rules.map((rule) => rule.id)).toEqual(['good']);
    expect(config.problems).toEqual([
      'server group odd: unknown strategy "random"',
      expect.stringContaining('route bad-regex: contentPattern'),
      'route no-group: server group missing does not exist or is invalid',
    ]);
  });
});
