import type { PrismaClient } from '@tuxhat/database';

import type { BillingConfig } from './billing-engine';

/**
 * Reads tariffs and billing rules: the `load` of a ConfigSnapshot<BillingConfig>, so services
 * price from memory and follow admin changes without a restart:
 *
 *   new ConfigSnapshot(prisma, { name: 'billing', load: loadBillingConfig })
 */
export async function loadBillingConfig(prisma: PrismaClient): Promise<BillingConfig> {
  const [tariffs, rules] = await Promise.all([
    prisma.tariff.findMany({
      select: {
        id: true,
        tenantId: true,
        prefix: true,
        classOfService: true,
        priceMinor: true,
        currency: true,
      },
    }),
    prisma.billingRule.findMany({
      select: {
        id: true,
        tenantId: true,
        rule: true,
        params: true,
        position: true,
        enabled: true,
      },
    }),
  ]);
  return { tariffs, rules };
}
