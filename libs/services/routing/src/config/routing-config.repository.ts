import type { PrismaClient } from '@tuxhat/database';

import type { RoutingConfigRows } from './routing-config';
import { isPriorityClass } from '../rules/routing-rule';

/**
 * Reads the whole routing configuration (rules, server groups and their members, carriers,
 * number ranges, prices) in one snapshot transaction, so a reload never mixes two revisions.
 */
export async function loadRoutingConfigRows(prisma: PrismaClient): Promise<RoutingConfigRows> {
  const [routes, groups, carriers, numberRanges, prices] = await prisma.$transaction([
    prisma.route.findMany({
      select: {
        id: true,
        priority: true,
        enabled: true,
        tenantId: true,
        classOfService: true,
        destinationPrefix: true,
        country: true,
        network: true,
        sender: true,
        shortCode: true,
        keyword: true,
        contentPattern: true,
        timeZone: true,
        windowStart: true,
        windowEnd: true,
        windowDays: true,
        carrierId: true,
        serverGroupId: true,
      },
    }),
    prisma.serverGroup.findMany({
      select: {
        id: true,
        name: true,
        strategy: true,
        members: { select: { carrierId: true, position: true, weight: true } },
      },
    }),
    prisma.carrier.findMany({ select: { id: true, enabled: true } }),
    prisma.numberRange.findMany({ select: { prefix: true, network: true } }),
    prisma.carrierPrice.findMany({
      select: {
        id: true,
        carrierId: true,
        prefix: true,
        classOfService: true,
        priceMinor: true,
        currency: true,
      },
    }),
  ]);
  return {
    routes,
    groups,
    carriers,
    numberRanges,
    prices: prices.map((price) => ({
      ...price,
      // The CHECK constraint allows only classes of service; anything else would not match.
      classOfService:
        price.classOfService !== null && isPriorityClass(price.classOfService)
          ? price.classOfService
          : null,
    })),
  };
}
