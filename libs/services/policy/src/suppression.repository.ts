import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type PrismaClient } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

/**
 * The tenants' suppression (opt-out) lists, looked up a batch at a time: one query for every
 * (tenant, number) of a Kafka batch, never one per message. Lists can be large (every STOP
 * ever received), so they are not held in memory.
 */
@Injectable()
export class SuppressionRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** The "tenant\0number" keys of the pairs that are suppressed. */
  async suppressed(
    pairs: readonly { tenantId: string; number: string }[],
  ): Promise<ReadonlySet<string>> {
    const unique = new Map(pairs.map((pair) => [suppressionKey(pair.tenantId, pair.number), pair]));
    if (unique.size === 0) return new Set();
    const values = [...unique.values()].map(
      (pair) => Prisma.sql`(${pair.tenantId}, ${pair.number})`,
    );
    const rows = await this.prisma.$queryRaw<{ tenant_id: string; number: string }[]>(Prisma.sql`
      SELECT tenant_id, number FROM suppressions
      WHERE (tenant_id, number) IN (${Prisma.join(values)})`);
    return new Set(rows.map((row) => suppressionKey(row.tenant_id, row.number)));
  }
}

export function suppressionKey(tenantId: string, number: string): string {
  return `${tenantId}\u0000${number}`;
}
