import { Inject, Injectable } from '@nestjs/common';
import type { SmsOutboundEvent } from '@tuxhat/contracts';
import type { MessageStatus, PrismaClient } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

import { RecentSubmissions } from './recent-submissions';

/**
 * Statuses that mean the message already reached a carrier (or its story is over). `failed` is
 * not among them: a message that failed on one carrier may come back on another route (routing
 * failover increments the event's attempt); an exact replay of a failed attempt is caught by
 * RecentSubmissions on this pod, and elsewhere costs one more rejected submit at most.
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
 * Delivery is at-least-once: an outbound event can come again (Kafka redelivery after a crash
 * before commit, all-in-one re-drive at boot). Submitting it again would send the SMS twice, so
 * the connector first asks which messages already have carrier ids or a carrier's status, for
 * the whole batch in one query, and also remembers what this pod submitted moments ago (the
 * dlr service records carrier ids only after it consumed sms.sent).
 */
@Injectable()
export class ReplayGuard {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly recent: RecentSubmissions,
  ) {}

  /** Indexes of the events to skip. */
  async replaysIn(events: readonly SmsOutboundEvent[]): Promise<ReadonlySet<number>> {
    const skip = new Set<number>();
    const unknownIds = new Set<string>();
    events.forEach((event, index) => {
      if (this.submittedHere(event)) skip.add(index);
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

  private submittedHere(event: SmsOutboundEvent): boolean {
    const recent = this.recent.outcomeOf(event.message.messageId);
    if (!recent) return false;
    if (recent.outcome !== 'failed') return true;
    return recent.carrierId === event.carrierId && recent.attempt >= event.attempt;
  }
}
