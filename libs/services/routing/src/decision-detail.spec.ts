import { message, priceRow, routeRow, routingConfig } from './config/routing-config.fixture';
import { MAX_DETAIL, describeRouted, describeUnrouted, fitDetail } from './decision-detail';
import { decideRoute } from './router';

describe(describeRouted.name, () => {
  it('names the rule, group, strategy, candidates with health/weight/price, choice and cost', () => {
    const config = routingConfig({
      routes: [
        routeRow({ id: 'night', priority: 1, carrierId: 'telco-c' }),
        routeRow({ id: 'eu', priority: 10, serverGroupId: 'lcr' }),
      ],
      groups: [
        {
          id: 'lcr',
          name: 'LCR',
          strategy: 'least_cost',
          members: [
            { carrierId: 'telco-a', position: 0, weight: 1 },
            { carrierId: 'telco-b', position: 0, weight: 1 },
          ],
        },
      ],
      prices: [priceRow('telco-a', '', 4), priceRow('telco-b', '', 3)],
    });
    const decision = decideRoute(
      config,
      (carrier) =>
        carrier === 'telco-c' ? 'unhealthy' : carrier === 'telco-a' ? 'healthy' : 'unknown',
      { message: message({ parts: 2 }), now: new Date(), tried: new Set() },
      { lastResortUnhealthy: true },
    );
    if (!decision.routed) throw new Error('expected a route');

    expect(describeRouted(decision, 'policy default')).toBe(
      'policy default; rule eu#10 -> group lcr least_cost [telco-b chosen unknown w1 p3, ' +
        'telco-a next ok w1 p4] => telco-b, cost 6 EUR minor units; skipped night (telco-c unhealthy)',
    );
  });

  it('stays within the status detail limit however many candidates there are', () => {
    const members = Array.from({ length: 60 }, (_, i) => ({
      carrierId: `carrier-${i}`,
      position: 0,
      weight: 1,
    }));
    const config = routingConfig({
      routes: [routeRow({ id: 'big', serverGroupId: 'g' })],
      groups: [{ id: 'g', name: 'g', strategy: 'weighted', members }],
      carriers: members.map((member) => ({ id: member.carrierId, enabled: true })),
    });
    const decision = decideRoute(
      config,
      () => 'healthy',
      { message: message(), now: new Date(), tried: new Set() },
      { lastResortUnhealthy: true },
    );
    if (!decision.routed) throw new Error('expected a route');
    const detail = describeRouted(decision, 'policy default');
    expect(detail.length).toBe(MAX_DETAIL);
    expect(detail.endsWith('…')).toBe(true);
  });

  it('says why nothing was routed', () => {
    expect(
      describeUnrouted(
        { routed: false, errorCode: 'no_route', skipped: ['a (telco-a disabled)'] },
        'p',
      ),
    ).toBe('p; no route matches; skipped a (telco-a disabled)');
    expect(
      describeUnrouted({ routed: false, errorCode: 'no_carrier_left', skipped: [] }, 'p'),
    ).toBe('p; no untried carrier is left');
  });

  it('leaves short details alone', () => {
    expect(fitDetail('short')).toBe('short');
  });
});
