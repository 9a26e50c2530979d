import { Inject, Injectable } from '@nestjs/common';
import { FINAL_STATUSES, firstMessageIdAt } from '@tuxhat/contracts';
import { Prisma, type PrismaClient } from '@tuxhat/database';
import { CLOCK, type Clock, PRISMA, RetentionService, type RetentionTable } from '@tuxhat/runtime';

import { INGRESS_OPTIONS, type ResolvedIngressOptions } from './ingress.options';

const FINAL = Prisma.join(
  [...FINAL_STATUSES].map((status) => Prisma.sql`${status}::message_status`),
);

/**
 * Deletes messages accepted longer ago than MESSAGE_RETENTION_DAYS, with their status history,
 * once they are final (a message still waiting, say for a far-off schedule, stays). The tenant
 * API then answers 404 for them. Ids sort by time, so the primary key finds the old rows.
 */
@Injectable()
export class MessageRetention extends RetentionService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CLOCK) clock: Clock,
    @Inject(INGRESS_OPTIONS) options: ResolvedIngressOptions,
  ) {
    super(options.messageRetentionMs, clock);
  }

  tables(): readonly RetentionTable[] {
    return [{ name: 'messages', deleteBatch: (before, limit) => this.deleteBatch(before, limit) }];
  }

  /** One statement: the history goes with its message (no foreign key would take it along). */
  private deleteBatch(before: Date, limit: number): Promise<number> {
    return this.prisma.$executeRaw(Prisma.sql`
      WITH doomed AS (
        SELECT id FROM messages
        WHERE id < ${firstMessageIdAt(before)} AND created_at < ${before}::timestamptz
          AND status IN (${FINAL})
        ORDER BY id
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      ), history AS (
        DELETE FROM message_status_events WHERE message_id IN (SELECT id FROM doomed)
      )
      DELETE FROM messages WHERE id IN (SELECT id FROM doomed)`);
  }
}
