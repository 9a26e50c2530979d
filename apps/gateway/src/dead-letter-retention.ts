import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type PrismaClient } from '@tuxhat/database';
import { CLOCK, type Clock, PRISMA, RetentionService, type RetentionTable } from '@tuxhat/runtime';

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

  tables(): readonly RetentionTable[] {
    return [
      { name: 'dead letters', deleteBatch: (before, limit) => this.deleteBatch(before, limit) },
    ];
  }

  /** The failed_at index finds the old rows. */
  private deleteBatch(before: Date, limit: number): Promise<number> {
    return this.prisma.$executeRaw(Prisma.sql`
      WITH doomed AS (
        SELECT id FROM dead_letters
        WHERE failed_at < ${before}::timestamptz
        ORDER BY failed_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      DELETE FROM dead_letters WHERE id IN (SELECT id FROM doomed)`);
  }
}
