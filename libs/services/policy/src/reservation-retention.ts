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

import { POLICY_OPTIONS, type ResolvedPolicyOptions } from './policy.options';

/**
 * Deletes prepaid reservations of messages accepted longer ago than MESSAGE_RETENTION_DAYS once
 * accounting has settled or released them: the only policy table that grows with every message
 * (decisions and in-flight rows have their own purge, usage is one row per tenant and month).
 * A reservation still `reserved` holds tenant money, so it stays however old it is.
 */
@Injectable()
export class ReservationRetention extends RetentionService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CLOCK) clock: Clock,
    @Inject(POLICY_OPTIONS) options: ResolvedPolicyOptions,
  ) {
    super(options.messageRetentionMs, clock);
  }

  /**
   * Ids sort by time, so the primary key finds the old rows. created_at keeps a reservation made
   * long after its message was accepted (a message scheduled far ahead reserves when it is due)
   * for the whole retention too. A row accounting is settling right now is locked: skipped.
   */
  tables(): readonly RetentionTable[] {
    return [
      retentionTable(this.prisma, {
        name: 'prepaid reservations',
        table: 'balance_reservations',
        key: 'message_id',
        where: (before) => Prisma.sql`
          message_id < ${firstMessageIdAt(before)} AND created_at < ${before}::timestamptz
            AND state IN ('settled', 'released')`,
        orderBy: 'message_id',
      }),
    ];
  }
}
