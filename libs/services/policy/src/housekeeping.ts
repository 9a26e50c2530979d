import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Prisma, type PrismaClient } from '@tuxhat/database';
import { CLOCK, type Clock, PRISMA, PeriodicSweep } from '@tuxhat/runtime';

import { POLICY_OPTIONS, type ResolvedPolicyOptions } from './policy.options';

const ROWS_PER_DELETE = 10_000;

/**
 * Keeps the policy's per-message tables small: decisions older than the retention (a Kafka
 * redelivery that old is not expected; held messages keep theirs), and in-flight rows no status
 * answered within the in-flight timeout. Deletes in bounded chunks; any replica may run it.
 */
@Injectable()
export class PolicyHousekeeping implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PolicyHousekeeping.name);
  private readonly sweep: PeriodicSweep<[number, number]>;

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(POLICY_OPTIONS) private readonly options: ResolvedPolicyOptions,
  ) {
    this.sweep = new PeriodicSweep({
      run: () => this.purge(),
      intervalMs: options.housekeepingIntervalMs,
      logger: this.logger,
      failureMessage: 'purge failed',
    });
  }

  onApplicationBootstrap(): void {
    this.sweep.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.sweep.stop();
  }

  /** Returns the rows removed: [decisions, in-flight]. */
  async purge(): Promise<[number, number]> {
    const now = this.clock.now().getTime();
    const decisionsBefore = new Date(now - this.options.decisionRetentionMs);
    const inFlightBefore = new Date(now - this.options.inFlightTimeoutMs);
    let decisions = 0;
    for (;;) {
      const deleted = await this.prisma.$executeRaw(Prisma.sql`
        DELETE FROM policy_decisions WHERE message_id IN (
          SELECT p.message_id FROM policy_decisions AS p
          WHERE p.decided_at < ${decisionsBefore}::timestamptz
            AND NOT EXISTS (SELECT 1 FROM deferred_messages AS d WHERE d.message_id = p.message_id)
          LIMIT ${ROWS_PER_DELETE})`);
      decisions += deleted;
      if (deleted < ROWS_PER_DELETE) break;
    }
    const { count: inFlight } = await this.prisma.inFlightMessage.deleteMany({
      where: { since: { lt: inFlightBefore } },
    });
    return [decisions, inFlight];
  }
}
