import { Inject, Injectable } from '@nestjs/common';
import { type PrismaClient, sqlOf } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

const SUPPRESSED_SQL = `
  SELECT s.tenant_id, s.number
  FROM suppressions s
  JOIN json_array_elements($1::json) AS p (pair)
    ON s.tenant_id = p.pair->>0 AND s.number = p.pair->>1`;

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
    // The pairs travel as ONE JSON parameter, straight on the driver: the statement text stays
    // the same whatever the batch, and Prisma's raw-query cost is not paid at all. Not prepared
    // (unlike the other hot statements): a list grows on its own (a bulk import of opt-outs),
    // not with the lookups that would name a prepared plan's generation, and a generic plan
    // made on a small list would scan a large one on every batch.
    const rows = await sqlOf(this.prisma).query<{ tenant_id: string; number: string }>(
      SUPPRESSED_SQL,
      [JSON.stringify([...unique.values()].map((pair) => [pair.tenantId, pair.number]))],
    );
    return new Set(rows.map((row) => suppressionKey(row.tenant_id, row.number)));
  }
}

export function suppressionKey(tenantId: string, number: string): string {
  return `${tenantId}\u0000${number}`;
}
