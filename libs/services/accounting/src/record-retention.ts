import { Inject, Injectable } from '@nestjs/common';
import { firstMessageIdAt } from '@tuxhat/contracts';
import { Prisma, type PrismaClient } from '@tuxhat/database';
import {
  CLOCK,
  type Clock,
  PRISMA,
  RetentionService,
  type RetentionTable,
  retentionTable,
} from '@tuxhat/runtime';

import { RECORD_RETENTION_MS } from './accounting.options';

/**
 * Deletes accounting records of messages accepted longer ago than ACCOUNTING_RETENTION_DAYS, but
 * only once billing has them: final, and their latest revision published. A record still open,
 * waiting to be published, or corrected since its last publish stays however old it is, so
 * retention never loses a charge. The tenants' usage reports (GET /v1/usage) lose what is
 * deleted, which is why this has its own setting, usually longer than the messages'.
 */
@Injectable()
export class RecordRetention extends RetentionService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CLOCK) clock: Clock,
    @Inject(RECORD_RETENTION_MS) retentionMs: number | null,
  ) {
    super(retentionMs, clock);
  }

  /**
   * Ids sort by time, so the primary key finds the old rows; accepted_at is the record's own
   * word for when. A row a consumer or the publisher is writing is locked: skipped this round.
   * One written since the statement began is checked again as it now is (a correction made it
   * unpublished: it stays).
   */
  tables(): readonly RetentionTable[] {
    return [
      retentionTable(this.prisma, {
        name: 'accounting records',
        table: 'accounting_records',
        key: 'message_id',
        where: (before) => Prisma.sql`
          message_id < ${firstMessageIdAt(before)} AND accepted_at < ${before}::timestamptz
            AND final_status IS NOT NULL AND NOT publish_pending
            AND published_revision = revision`,
        orderBy: 'message_id',
      }),
    ];
  }
}
