import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type PrismaClient } from '@tuxhat/database';
import {
  CLOCK,
  type Clock,
  PRISMA,
  RetentionService,
  type RetentionTable,
  retentionTable,
} from '@tuxhat/runtime';

/** The dead letters' retention in milliseconds (MESSAGE_RETENTION_DAYS); null: for ever. */
export const DEAD_LETTER_RETENTION_MS = Symbol('tuxhat:gateway:dead-letter-retention-ms');

/**
 * Deletes dead letters that failed longer ago than MESSAGE_RETENTION_DAYS: each holds a copy of
 * a message's event, and an operator replays one within days, if ever. Their own time (not the
 * message's) counts, so a late failure gets the whole retention to be looked at.
 */
@Injectable()
export class DeadLetterRetention extends RetentionService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CLOCK) clock: Clock,
    @Inject(DEAD_LETTER_RETENTION_MS) retentionMs: number | null,
  ) {
    super(retentionMs, clock);
  }

  /** The failed_at index finds the old rows. */
  tables(): readonly RetentionTable[] {
    return [
      retentionTable(this.prisma, {
        name: 'dead letters',
        table: 'dead_letters',
        key: 'id',
        where: (before) => Prisma.sql`failed_at < ${before}::timestamptz`,
        orderBy: 'failed_at',
      }),
    ];
  }
}
