import { Inject, Injectable } from '@nestjs/common';
import {
  FINAL_STATUSES,
  MESSAGE_STATUSES,
  type SmsStatusEvent,
  statusRank,
} from '@tuxhat/contracts';
import { Prisma, type PrismaClient } from '@tuxhat/database';
import { CLOCK, type Clock, PRISMA } from '@tuxhat/runtime';

import { decisiveEvents } from './status-projection';

/** The stored status's rank, computed from the same statusRank the service uses. */
const CURRENT_RANK = Prisma.sql`(CASE m.status ${Prisma.join(
  MESSAGE_STATUSES.map(
    (status) => Prisma.sql`WHEN ${status}::message_status THEN ${statusRank(status)}::int`,
  ),
  ' ',
)} END)`;

const FINAL = Prisma.join(
  [...FINAL_STATUSES].map((status) => Prisma.sql`${status}::message_status`),
);

/** Rows per UPDATE statement: a normal batch is one statement; a huge one stays under PostgreSQL's bind-parameter limit. */
const MAX_ROWS_PER_UPDATE = 2_000;

/** Message status history and the projected status on `messages`, written a batch at a time. */
@Injectable()
export class StatusProjectionRepository {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Tenant of each of these messages that exists. */
  async tenantsOf(messageIds: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.prisma.message.findMany({
      where: { id: { in: [...messageIds] } },
      select: { id: true, tenantId: true },
    });
    return new Map(rows.map((row) => [row.id, row.tenantId]));
  }

  /**
   * Appends the events to the history (an event id already there is a replay: skipped) and
   * moves each message's status forward by the events that were new, in one transaction, so a
   * crash between the two cannot leave history without its status. Returns the events that
   * were new.
   */
  async project(events: readonly SmsStatusEvent[]): Promise<SmsStatusEvent[]> {
    return this.prisma.$transaction(async (tx) => {
      const inserted = await tx.messageStatusEvent.createManyAndReturn({
        data: events.map((event) => ({
          eventId: event.eventId,
          messageId: event.messageId,
          status: event.status,
          detail: event.detail ?? null,
          source: event.source,
          occurredAt: new Date(event.occurredAt),
        })),
        skipDuplicates: true,
        select: { eventId: true },
      });
      const freshIds = new Set(inserted.map((row) => row.eventId));
      const fresh = events.filter((event) => freshIds.has(event.eventId));
      const decisive = decisiveEvents(fresh);
      const now = this.clock.now();
      for (let start = 0; start < decisive.length; start += MAX_ROWS_PER_UPDATE) {
        await tx.$executeRaw(
          advanceStatuses(decisive.slice(start, start + MAX_ROWS_PER_UPDATE), now),
        );
      }
      return fresh;
    });
  }
}

/**
 * One UPDATE for many messages. The forward-only rule is in the WHERE clause, evaluated
 * against the row as stored (not as read earlier), so concurrent projectors cannot move a
 * status backwards either.
 */
function advanceStatuses(events: readonly SmsStatusEvent[], now: Date): Prisma.Sql {
  const rows = events.map(
    (event) =>
      Prisma.sql`(${event.messageId}::text, ${event.status}::message_status, ${statusRank(event.status)}::int, ${event.detail ?? null}::text, ${event.carrierId ?? null}::text, ${event.routeId ?? null}::text)`,
  );
  return Prisma.sql`
    UPDATE messages AS m
    SET status = v.status,
        status_detail = v.detail,
        carrier_id = COALESCE(v.carrier_id, m.carrier_id),
        route_id = COALESCE(v.route_id, m.route_id),
        updated_at = ${now}
    FROM (VALUES ${Prisma.join(rows)}) AS v (id, status, rank, detail, carrier_id, route_id)
    WHERE m.id = v.id
      AND (v.rank > ${CURRENT_RANK} OR (v.rank = ${CURRENT_RANK} AND m.status NOT IN (${FINAL})))`;
}
