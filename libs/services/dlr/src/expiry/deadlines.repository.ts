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

/** What a deadline counts: the validity of a message without validUntil, and the grace after. */
export interface ValidityOptions {
  readonly defaultValidityMs: number;
  readonly expiryGraceMs: number;
}

/**
 * When a message sent at `sentAt` is given up on, as SQL over its row `m` of messages: its
 * validUntil, or `sentAt` + defaultValidityMs, plus expiryGraceMs. The default validity counts
 * from the sending, as the carrier's own default does, not from acceptance (a message the policy
 * held may be sent days after it was accepted); a validUntil stays as it is (ingress counts a
 * validityPeriod from the scheduled time).
 */
export function expiresAtSql(validity: ValidityOptions, sentAt: Date): Prisma.Sql {
  return Prisma.sql`coalesce(m.valid_until,
                        ${sentAt.toISOString()}::timestamptz
                          + ${validity.defaultValidityMs} * interval '1 millisecond')
                 + ${validity.expiryGraceMs} * interval '1 millisecond'`;
}

/** A deadline for a message whose sms.sent was never recorded (see ensure). */
export interface MissingDeadline {
  readonly messageId: string;
  /** The stored message's tenant. */
  readonly tenantId: string;
  /** From the dead-lettered sms.sent; the message's routed carrier and route when it names none. */
  readonly carrierId: string | undefined;
  readonly routeId: string | undefined;
  /** The parts the carrier took; the message's own count when unknown. */
  readonly partCount: number | undefined;
}

/** dlr_deadlines: the messages still waiting for a final receipt, and until when. */
@Injectable()
export class DeadlinesRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * The deadline of a message whose sms.sent the dlr gave up on, unless it has one: a deadline
   * in place (its sms.sent was recorded after all, or another carrier's was) decides, and a copy
   * of the dead letter changes nothing. One plain statement on the message's row and this table,
   * apart from the carrier ids whose recording may be what failed. Returns whether it wrote one.
   */
  async ensure(
    deadline: MissingDeadline,
    validity: ValidityOptions,
    sentAt: Date,
  ): Promise<boolean> {
    const written = await runSql<{ message_id: string }>(
      this.prisma,
      Prisma.sql`
      INSERT INTO dlr_deadlines (message_id, tenant_id, carrier_id, route_id, part_count,
                                 expires_at)
      SELECT m.id, m.tenant_id,
             coalesce(${deadline.carrierId ?? null}::text, m.carrier_id, 'unknown'),
             coalesce(${deadline.routeId ?? null}::text, m.route_id, 'unknown'),
             coalesce(${deadline.partCount ?? null}::int, m.parts),
             ${expiresAtSql(validity, sentAt)}
      FROM messages AS m
      WHERE m.id = ${deadline.messageId} AND m.tenant_id = ${deadline.tenantId}
      ON CONFLICT (message_id) DO NOTHING
      RETURNING message_id`,
    );
    return written.length > 0;
  }

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
