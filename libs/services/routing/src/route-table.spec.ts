import { type RouteEntry, matchRoute } from './route-table';

const route = (overrides: Partial<RouteEntry> & Pick<RouteEntry, 'id'>): RouteEntry => ({
  priority: 100,
  tenantId: null,
  destinationPrefix: null,
  carrierId: 'telco-a',
  ...overrides,
});

describe(matchRoute.name, () => {
  const routes = [
    route({
      id: 'acme-montenegro',
      priority: 10,
      tenantId: 'acme',
      destinationPrefix: '+382',
      carrierId: 'telco-b',
    }),
    route({ id: 'montenegro', priority: 20, destinationPrefix: '+382', carrierId: 'telco-c' }),
    route({ id: 'default', priority: 100 }),
  ];
  const enabled = new Set(['telco-a', 'telco-b', 'telco-c']);

  it('takes the first route by priority that matches tenant and prefix', () => {
    expect(matchRoute(routes, enabled, 'acme', '+38267123456')).toMatchObject({
      matched: true,
      route: { id: 'acme-montenegro' },
    });
    expect(matchRoute(routes, enabled, 'shop', '+38267123456')).toMatchObject({
      matched: true,
      route: { id: 'montenegro' },
    });
    expect(matchRoute(routes, enabled, 'acme', '+4915112345678')).toMatchObject({
      matched: true,
      route: { id: 'default' },
    });
  });

  it('skips a route whose carrier is disabled, and says so', () => {
    const result = matchRoute(routes, new Set(['telco-a', 'telco-c']), 'acme', '+38267123456');
    expect(result).toMatchObject({ matched: true, route: { id: 'montenegro' } });
    expect(result.skipped).toEqual(['acme-montenegro (carrier telco-b disabled)']);
  });

  it('reports no match when nothing applies', () => {
    expect(matchRoute(routes.slice(0, 2), enabled, 'shop', '+4915112345678')).toEqual({
      matched: false,
      skipped: [],
    });
  });
});
