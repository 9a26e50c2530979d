import type { Prisma, PrismaClient } from './prisma-client';

/**
 * The configuration revision: one row bumped in the same transaction as every configuration
 * change (admin API, config file seeding). Running services poll it and reload what they hold
 * in memory when it moves (ConfigSnapshot in @tuxhat/runtime).
 */
/** Records a configuration change; call it inside the transaction that makes the change. */
export async function bumpConfigRevision(tx: Prisma.TransactionClient): Promise<bigint> {
  const row = await tx.configRevision.upsert({
    where: { id: 1 },
    create: { id: 1, revision: 1n },
    update: { revision: { increment: 1n }, changedAt: new Date() },
  });
  return row.revision;
}

export async function readConfigRevision(prisma: PrismaClient): Promise<bigint> {
  const row = await prisma.configRevision.findUnique({ where: { id: 1 } });
  return row?.revision ?? 0n;
}
