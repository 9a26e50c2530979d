import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type PrismaClient, runSql } from '@tuxhat/database';
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

  async clear(messageIds: readonly string[]): Promise<void> {
    if (messageIds.length === 0) return;
    await runSql(
      this.prisma,
      Prisma.sql`
      DELETE FROM dlr_deadlines WHERE message_id = ANY(${[...new Set(messageIds)]}::text[])`,
    );
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
