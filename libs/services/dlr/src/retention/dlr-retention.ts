import { Inject, Injectable } from '@nestjs/common';
import { firstMessageIdAt } from '@tuxhat/contracts';
import { Prisma, type PrismaClient } from '@tuxhat/database';
import { CLOCK, type Clock, PRISMA, RetentionService, type RetentionTable } from '@tuxhat/runtime';

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
    return [
      {
        name: 'carrier ids',
        deleteBatch: (before, limit) => this.deleteCarrierKeys(before, limit),
      },
      {
        name: 'part receipts',
        deleteBatch: (before, limit) => this.deletePartReceipts(before, limit),
      },
      {
        name: 'webhook deliveries',
        deleteBatch: (before, limit) => this.deleteWebhookDeliveries(before, limit),
      },
      { name: 'MO', deleteBatch: (before, limit) => this.deleteMoMessages(before, limit) },
    ];
  }

  /**
   * The message id range finds the old rows on the message_id index; created_at keeps the ids
   * of a message sent long after it was accepted (a far-off schedule) for the full retention.
   */
  private deleteCarrierKeys(before: Date, limit: number): Promise<number> {
    return this.prisma.$executeRaw(Prisma.sql`
      WITH doomed AS (
        SELECT k.carrier_id, k.lookup_key, k.message_id, k.part_index
        FROM dlr_carrier_keys AS k
        WHERE k.message_id < ${firstMessageIdAt(before)} AND k.created_at < ${before}::timestamptz
          AND NOT EXISTS (SELECT 1 FROM dlr_deadlines AS d WHERE d.message_id = k.message_id)
        ORDER BY k.message_id
        LIMIT ${limit}
        FOR UPDATE OF k SKIP LOCKED
      )
      DELETE FROM dlr_carrier_keys
      WHERE (carrier_id, lookup_key, message_id, part_index) IN (
        SELECT carrier_id, lookup_key, message_id, part_index FROM doomed)`);
  }

  private deletePartReceipts(before: Date, limit: number): Promise<number> {
    return this.prisma.$executeRaw(Prisma.sql`
      WITH doomed AS (
        SELECT r.event_id FROM dlr_part_receipts AS r
        WHERE r.message_id < ${firstMessageIdAt(before)} AND r.created_at < ${before}::timestamptz
          AND NOT EXISTS (SELECT 1 FROM dlr_deadlines AS d WHERE d.message_id = r.message_id)
        ORDER BY r.message_id
        LIMIT ${limit}
        FOR UPDATE OF r SKIP LOCKED
      )
      DELETE FROM dlr_part_receipts WHERE event_id IN (SELECT event_id FROM doomed)`);
  }

  /**
   * Only finished ones: a pending delivery is still being retried (or was put back on the
   * schedule by an operator). next_attempt_at is there for the (state, next_attempt_at) index.
   */
  private deleteWebhookDeliveries(before: Date, limit: number): Promise<number> {
    return this.prisma.$executeRaw(Prisma.sql`
      WITH doomed AS (
        SELECT id FROM webhook_deliveries
        WHERE state IN ('delivered', 'abandoned') AND next_attempt_at < ${before}::timestamptz
          AND created_at < ${before}::timestamptz
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM doomed)`);
  }

  /** On mo_messages_received_at_idx. */
  private deleteMoMessages(before: Date, limit: number): Promise<number> {
    return this.prisma.$executeRaw(Prisma.sql`
      WITH doomed AS (
        SELECT id FROM mo_messages
        WHERE received_at < ${before}::timestamptz
        ORDER BY received_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      DELETE FROM mo_messages WHERE id IN (SELECT id FROM doomed)`);
  }
}
