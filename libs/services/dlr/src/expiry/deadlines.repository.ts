import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

export interface Deadline {
  readonly messageId: string;
  readonly tenantId: string;
  readonly carrierId: string;
  readonly routeId: string;
  readonly partCount: number;
  readonly expiresAt: Date;
}

/** dlr_deadlines: the messages still waiting for a final receipt, and until when. */
@Injectable()
export class DeadlinesRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * Sets each message's deadline in one statement (a resend through another carrier replaces
   * the first one).
   */
  async schedule(deadlines: readonly Deadline[]): Promise<void> {
    if (deadlines.length === 0) return;
    // One row per message (ON CONFLICT DO UPDATE may not touch a row twice): the last wins.
    const rows = [...new Map(deadlines.map((deadline) => [deadline.messageId, deadline])).values()];
    await this.prisma.$executeRaw`
      INSERT INTO dlr_deadlines (message_id, tenant_id, carrier_id, route_id, part_count, expires_at)
      SELECT * FROM unnest(
        ${rows.map((row) => row.messageId)}::text[],
        ${rows.map((row) => row.tenantId)}::text[],
        ${rows.map((row) => row.carrierId)}::text[],
        ${rows.map((row) => row.routeId)}::text[],
        ${rows.map((row) => row.partCount)}::int[],
        ${rows.map((row) => row.expiresAt.toISOString())}::timestamptz[])
      ON CONFLICT (message_id) DO UPDATE SET
        tenant_id = EXCLUDED.tenant_id, carrier_id = EXCLUDED.carrier_id,
        route_id = EXCLUDED.route_id, part_count = EXCLUDED.part_count,
        expires_at = EXCLUDED.expires_at, lease_until = NULL`;
  }

  async clear(messageIds: readonly string[]): Promise<void> {
    if (messageIds.length === 0) return;
    await this.prisma.dlrDeadline.deleteMany({ where: { messageId: { in: [...messageIds] } } });
  }

  /**
   * Claims up to `limit` passed deadlines until `leaseUntil`. The claiming UPDATE re-checks
   * the lease, so two schedulers never take the same row; a crashed one's claim lapses.
   */
  async claimDue(now: Date, limit: number, leaseUntil: Date): Promise<Deadline[]> {
    const due = {
      expiresAt: { lte: now },
      OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }],
    };
    const candidates = await this.prisma.dlrDeadline.findMany({
      where: due,
      orderBy: { expiresAt: 'asc' },
      take: limit,
      select: { messageId: true },
    });
    if (candidates.length === 0) return [];
    return this.prisma.dlrDeadline.updateManyAndReturn({
      where: { messageId: { in: candidates.map((row) => row.messageId) }, ...due },
      data: { leaseUntil },
      select: {
        messageId: true,
        tenantId: true,
        carrierId: true,
        routeId: true,
        partCount: true,
        expiresAt: true,
      },
    });
  }
}
