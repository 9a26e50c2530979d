import { Inject, Injectable } from '@nestjs/common';
import type { SmsOutboundEvent } from '@tuxhat/contracts';
import type { MessageStatus, PrismaClient } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

import { RecentPublishes } from './recent-publishes';

/**
 * Statuses that mean the message already reached a carrier (or its story is over). `failed`
 * is not among them: a message that failed on one carrier may come back on another route.
 */
export const REACHED_CARRIER: readonly MessageStatus[] = [
  'sent',
  'delivered',
  'undeliverable',
  'expired',
  'unknown',
  'rejected',
];

/**
 * SNS Publish is not idempotent: a redelivered outbound event would text the phone twice. So
 * the connector asks, for a whole batch in one query, which messages already have carrier ids
 * or a carrier's status, and remembers what this pod published moments ago.
 */
@Injectable()
export class ReplayGuard {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly recent: RecentPublishes,
  ) {}

  /** Indexes of the events to skip. */
  async replaysIn(events: readonly SmsOutboundEvent[]): Promise<ReadonlySet<number>> {
    const skip = new Set<number>();
    const unknownIds = new Set<string>();
    events.forEach((event, index) => {
      if (this.publishedHere(event)) skip.add(index);
      else unknownIds.add(event.message.messageId);
    });
    if (unknownIds.size === 0) return skip;

    // One round trip: `some` becomes an EXISTS sub-select on carrier_message_ids.
    const rows = await this.prisma.message.findMany({
      where: {
        id: { in: [...unknownIds] },
        OR: [{ status: { in: [...REACHED_CARRIER] } }, { carrierMessageIds: { some: {} } }],
      },
      select: { id: true },
    });
    const done = new Set(rows.map((row) => row.id));
    events.forEach((event, index) => {
      if (done.has(event.message.messageId)) skip.add(index);
    });
    return skip;
  }

  private publishedHere(event: SmsOutboundEvent): boolean {
    const recent = this.recent.outcomeOf(event.message.messageId);
    if (!recent) return false;
    if (recent.outcome === 'sent') return true;
    return recent.carrierId === event.carrierId && recent.attempt >= event.attempt;
  }
}
