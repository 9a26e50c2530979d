import { Inject, Injectable } from '@nestjs/common';
import type { SmsOutboundEvent } from '@tuxhat/contracts';
import type { MessageStatus, PrismaClient } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

import { RecentOutcomes, type RecentOutcome } from './recent-outcomes';

/**
 * Statuses that mean the message already reached a carrier (or its story is over). `failed` is
 * not among them: a message that failed on one carrier may come back on another route (routing
 * failover increments the event's attempt); an exact replay of a failed attempt is caught by
 * RecentOutcomes on this pod, and elsewhere costs one more rejected submit at most.
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
 * before commit, all-in-one re-drive at boot), and neither submit_sm nor SNS Publish is
 * idempotent. So a connector first asks which messages of the batch already have carrier ids or
 * a carrier's status (one query for the whole batch), and also remembers what this pod sent
 * moments ago, before the database knows.
 */
@Injectable()
export class ReplayGuard {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly recent: RecentOutcomes,
  ) {}

  /** Indexes of the events to skip. */
  async replaysIn(events: readonly SmsOutboundEvent[]): Promise<ReadonlySet<number>> {
    const skip = new Set<number>();
    const unknownIds = new Set<string>();
    events.forEach((event, index) => {
      if (this.triedHere(event)) skip.add(index);
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

  /**
   * A message some carrier took is done. A carrier that refused it, or that it was taken away
   * from, does not get the same attempt again; and a carrier that may have it already (timeout,
   * connection lost) never gets it again: the gateway never sends one message twice to a carrier.
   */
  private triedHere(event: SmsOutboundEvent): boolean {
    return this.recent.outcomesOf(event.message.messageId).some((recent) => blocks(recent, event));
  }
}

function blocks(recent: RecentOutcome, event: SmsOutboundEvent): boolean {
  if (recent.outcome === 'sent' || recent.outcome === 'unknown') return true;
  if (recent.carrierId !== event.carrierId) return false;
  if (recent.outcome === 'rerouted' && recent.mayHaveReached) return true;
  return recent.attempt >= event.attempt;
}
