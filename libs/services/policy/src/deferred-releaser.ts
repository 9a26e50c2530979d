import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { messageFields } from '@tuxhat/contracts';
import { type PrismaClient, sqlOf } from '@tuxhat/database';
import { CLOCK, type Clock, PRISMA, PeriodicSweep } from '@tuxhat/runtime';

import type { HoldStage } from './decision';
import { DecisionPublisher } from './decision-publisher';
import { PolicyEngine } from './policy-engine';
import { POLICY_OPTIONS, type ResolvedPolicyOptions } from './policy.options';

interface ClaimedRow {
  readonly message_id: string;
  readonly stage: HoldStage;
  readonly message: unknown;
  readonly due_at: Date;
}

/**
 * Sends held messages on when they are due (the message's scheduled time came, a send window
 * opened, a paced slot came). Every policy replica runs one: a round claims due rows with FOR
 * UPDATE SKIP LOCKED and a lease (a replica that dies mid-round leaves them to be claimed again
 * when the lease ends), decides them through the engine, publishes, and only then deletes the
 * rows whose decision is final. Nothing is held in memory: a restart loses nothing.
 */
@Injectable()
export class DeferredReleaser implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeferredReleaser.name);
  private readonly sweep: PeriodicSweep<number>;

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly engine: PolicyEngine,
    private readonly decisions: DecisionPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(POLICY_OPTIONS) private readonly options: ResolvedPolicyOptions,
  ) {
    this.sweep = new PeriodicSweep({
      run: () => this.releaseDue(),
      firstDelayMs: 0,
      intervalMs: options.releasePollMs,
      // A full batch means more are due: the next round straight away.
      nextDelayMs: (claimed) => (claimed >= options.releaseBatchSize ? 0 : options.releasePollMs),
      logger: this.logger,
      failureMessage: 'releasing held messages failed, retrying',
    });
  }

  onApplicationBootstrap(): void {
    this.sweep.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.sweep.stop();
  }

  /** One round now (tests drive it after moving an injected clock). Returns the messages claimed. */
  async releaseDue(): Promise<number> {
    const claimed = await this.claim();
    if (claimed.length === 0) return 0;
    const items = claimed
      .sort(
        (a, b) =>
          a.due_at.getTime() - b.due_at.getTime() || a.message_id.localeCompare(b.message_id),
      )
      .flatMap((row) => {
        const parsed = messageFields.safeParse(row.message);
        if (parsed.success) return [{ message: parsed.data, source: row.stage }];
        this.logger.error(
          `held message ${row.message_id} is unreadable, left in deferred_messages: ${parsed.error.message}`,
        );
        return [];
      });
    const decided = await this.engine.decide(items);
    await this.decisions.publish(decided);
    const done = decided.results
      .filter(({ outcome }) => outcome.kind === 'accept' || outcome.kind === 'reject')
      .map(({ message }) => message.messageId);
    if (done.length > 0) {
      await this.prisma.deferredMessage.deleteMany({ where: { messageId: { in: done } } });
    }
    return claimed.length;
  }

  /**
   * Runs every releasePollMs on every replica, mostly finding nothing: straight on the driver
   * (sqlOf), where an empty poll costs a fraction of what Prisma's raw-query path does.
   */
  private claim(): Promise<ClaimedRow[]> {
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + this.options.releaseLeaseMs);
    return sqlOf(this.prisma).query<ClaimedRow>(CLAIM_SQL, [
      now.toISOString(),
      this.options.releaseBatchSize,
      leaseUntil.toISOString(),
    ]);
  }
}

const CLAIM_SQL = `
  WITH due AS (
    SELECT message_id, release_at FROM deferred_messages
    WHERE release_at <= $1::timestamptz
    ORDER BY release_at, message_id
    LIMIT $2::int
    FOR UPDATE SKIP LOCKED
  )
  UPDATE deferred_messages AS d SET release_at = $3::timestamptz
  FROM due WHERE d.message_id = due.message_id
  RETURNING d.message_id, d.stage::text AS stage, d.message, due.release_at AS due_at`;
