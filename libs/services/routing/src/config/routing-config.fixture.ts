import type { MessageFields } from '@tuxhat/contracts';
import { testMessage } from '@tuxhat/testing';

import type { RouteRow } from '../rules/routing-rule';
import type { CarrierPriceRow } from '../strategies/price-table';
import { type RoutingConfig, type RoutingConfigRows, compileRoutingConfig } from './routing-config';

/** Test data for the routing unit tests: rows as the database holds them. */

export function routeRow(overrides: Partial<RouteRow> & Pick<RouteRow, 'id'>): RouteRow {
  return {
    priority: 100,
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
    carrierId: overrides.serverGroupId ? null : 'telco-a',
    serverGroupId: null,
    ...overrides,
  };
}

export function priceRow(
  carrierId: string,
  prefix: string,
  priceMinor: number,
  classOfService: CarrierPriceRow['classOfService'] = null,
): CarrierPriceRow {
  return {
    id: `${carrierId}-${prefix}-${classOfService ?? 'any'}`,
    carrierId,
    prefix,
    classOfService,
    priceMinor,
    currency: 'EUR',
  };
}

export function routingConfig(rows: Partial<RoutingConfigRows>): RoutingConfig {
  return compileRoutingConfig({
    routes: [],
    groups: [],
    carriers: ['telco-a', 'telco-b', 'telco-c'].map((id) => ({ id, enabled: true })),
    numberRanges: [],
    prices: [],
    ...rows,
  });
}

let sequence = 0;
export function message(overrides: Partial<MessageFields> = {}): MessageFields {
  sequence += 1;
  // Short ids and a fixed acceptance time: the unit tests' inputs are the same every run.
  return testMessage({
    messageId: `m-${sequence}`,
    acceptedAt: '2026-11-26T10:00:00.000Z',
    ...overrides,
  });
}
