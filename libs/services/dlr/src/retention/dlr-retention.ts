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

import { DLR_OPTIONS, type ResolvedDlrOptions } from '../dlr.options';

/**
 * Deletes what the dlr keeps about messages accepted longer ago than MESSAGE_RETENTION_DAYS:
 * carrier ids, part receipts, finished webhook deliveries and MO. A message still waiting for
 * its receipt (it has a dlr_deadlines row, say a validity of weeks) keeps its carrier ids and
 * receipts: the receipt still to come is matched with the ones, aggregated with the others.
 * Deadlines themselves are live work the expiry scheduler ends; mo_parts and mo_reassemblies
 * are forgotten by the MO sweeper after moPartRetentionMs.
 */
@Injectable()
export class DlrRetention extends RetentionService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CLOCK) clock: Clock,
    @Inject(DLR_OPTIONS) options: ResolvedDlrOptions,
  ) {
    super(options.messageRetentionMs, clock);
  }

  tables(): readonly RetentionTable[] {
    // The message id range finds old rows on the message_id index; created_at keeps the rows of
    // a message sent long after it was accepted (a far-off schedule) for the full retention.
    // Not while the message still has a deadline: its receipt may still come.
    const ofOldMessages = (table: string, before: Date) => Prisma.sql`
      message_id < ${firstMessageIdAt(before)} AND created_at < ${before}::timestamptz
        AND NOT EXISTS (SELECT 1 FROM dlr_deadlines AS d
          WHERE d.message_id = ${Prisma.raw(table)}.message_id)`;
    return [
      retentionTable(this.prisma, {
        name: 'carrier ids',
        table: 'dlr_carrier_keys',
        key: 'carrier_id, lookup_key, message_id, part_index',
        where: (before) => ofOldMessages('dlr_carrier_keys', before),
        orderBy: 'message_id',
      }),
      retentionTable(this.prisma, {
        name: 'part receipts',
        table: 'dlr_part_receipts',
        key: 'event_id',
        where: (before) => ofOldMessages('dlr_part_receipts', before),
        orderBy: 'message_id',
      }),
      // Only finished ones: a pending delivery is still being retried (or was put back on the
      // schedule by an operator). next_attempt_at is there for the (state, next_attempt_at) index.
      retentionTable(this.prisma, {
        name: 'webhook deliveries',
        table: 'webhook_deliveries',
        key: 'id',
        where: (before) => Prisma.sql`
          state IN ('delivered', 'abandoned') AND next_attempt_at < ${before}::timestamptz
            AND created_at < ${before}::timestamptz`,
      }),
      // On mo_messages_received_at_idx.
      retentionTable(this.prisma, {
        name: 'MO',
        table: 'mo_messages',
        key: 'id',
        where: (before) => Prisma.sql`received_at < ${before}::timestamptz`,
        orderBy: 'received_at',
      }),
    ];
  }
}
