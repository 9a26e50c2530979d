import { type PrismaClient, bumpConfigRevision } from '@tuxhat/database';

import type { GatewayConfig } from './gateway-config.schema';

/**
 * Writes the config file's tenants, API keys, carriers and routes into the database, the
 * system of record the services read. Upserts by id, so seeding is repeatable; entries the
 * file does not mention are left alone (they may come from the admin API). What the file
 * names, it owns: seeding again restores it, so change those entries in the file (or drop
 * them from it and manage them with the admin API). Bumps the config revision, so running
 * services pick a re-seed up.
 */
export async function seedGatewayConfig(
  prisma: PrismaClient,
  config: GatewayConfig,
): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await bumpConfigRevision(tx);
    for (const tenant of config.tenants) {
      await tx.tenant.upsert({
        where: { id: tenant.id },
        create: { id: tenant.id, name: tenant.name, status: tenant.status },
        update: { name: tenant.name, status: tenant.status },
      });
      for (const key of tenant.apiKeys) {
        await tx.apiKey.upsert({
          where: { prefix: key.prefix },
          create: {
            id: key.prefix,
            tenantId: tenant.id,
            prefix: key.prefix,
            secretHash: key.sha256,
            name: key.name,
            scopes: key.scopes,
          },
          update: {
            tenantId: tenant.id,
            secretHash: key.sha256,
            name: key.name,
            scopes: key.scopes,
          },
        });
      }
    }
    for (const carrier of config.carriers) {
      // Settings are stored as configured: secrets stay references ({ env: NAME }) unless the
      // operator chose to inline them.
      const settings = carrier.kind === 'smpp' ? { smpp: carrier.smpp } : { sns: carrier.sns };
      await tx.carrier.upsert({
        where: { id: carrier.id },
        create: {
          id: carrier.id,
          name: carrier.name,
          kind: carrier.kind,
          enabled: carrier.enabled,
          config: settings,
        },
        update: {
          name: carrier.name,
          kind: carrier.kind,
          enabled: carrier.enabled,
          config: settings,
        },
      });
    }
    for (const route of config.routes) {
      const data = {
        priority: route.priority,
        tenantId: route.tenant ?? null,
        destinationPrefix: route.destinationPrefix ?? null,
        carrierId: route.carrier,
        // The file's routes target a carrier: one the admin API moved to a group goes back.
        serverGroupId: null,
      };
      await tx.route.upsert({
        where: { id: route.id },
        create: { id: route.id, ...data },
        update: data,
      });
    }
  });
}
