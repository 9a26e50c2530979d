import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ACCOUNTING_RECORDS } from '@tuxhat/contracts';
import { type RecordRow, accountingRecordEventOf } from '@tuxhat/billing';
import { EventPublisher } from '@tuxhat/messaging';
import { METRICS, processMetrics } from '@tuxhat/observability';
import { CLOCK, type Clock, PeriodicSweep } from '@tuxhat/runtime';

import {
  ACCOUNTING_DEFAULTS,
  ACCOUNTING_OPTIONS,
  type AccountingOptions,
} from './accounting.options';
import { AccountingRecordsRepository } from './accounting-records.repository';

const SWEEP_BATCH = 500;

/**
 * Puts final records on accounting.records.v2 exactly once per revision: claim (atomic, so of
 * two publishers one gets a record), publish the batch (one produce request), mark the
 * revision published. A publish that fails gives its claims back; a process that dies holding
 * claims leaves them to the sweeper once the lease is over.
 *
 * The one window left: a process killed after Kafka acknowledged a batch and before it marked
 * it published sends that batch again when the lease is over, with the same event ids (derived
 * from message id and revision); billing de-duplicates on eventId. A graceful stop finishes the
 * batch in hand first, so restarts and rebalances publish nothing twice.
 */
@Injectable()
export class RecordPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RecordPublisher.name);
  private readonly periodic: PeriodicSweep<number>;
  private sweeping: Promise<number> | null = null;
  private readonly leaseMs: number;
  private readonly quietMs: number;
  private readonly metrics = processMetrics();

  constructor(
    private readonly records: AccountingRecordsRepository,
    private readonly publisher: EventPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ACCOUNTING_OPTIONS) options: AccountingOptions,
  ) {
    this.leaseMs = options.publishLeaseMs ?? ACCOUNTING_DEFAULTS.publishLeaseMs;
    this.quietMs = options.sweepQuietMs ?? ACCOUNTING_DEFAULTS.sweepQuietMs;
    this.periodic = new PeriodicSweep({
      run: () => this.sweep(),
      intervalMs: options.sweepIntervalMs ?? ACCOUNTING_DEFAULTS.sweepIntervalMs,
      logger: this.logger,
      failureMessage: 'sweep failed, trying again later',
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const published = await this.sweep();
    if (published > 0)
      this.logger.log(`published ${published} record(s) a previous run left unpublished`);
    this.periodic.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
    // A sweep a consumer started may still run.
    await this.sweeping?.catch(() => undefined);
  }

  /** Publishes the records among `messageIds` that wait for it. Returns how many went out. */
  async publishPending(messageIds: readonly string[]): Promise<number> {
    const claimedAt = this.clock.now();
    const claimed = await this.records.claim(
      messageIds,
      claimedAt,
      new Date(claimedAt.getTime() - this.leaseMs),
    );
    await this.publishClaimed(claimed, claimedAt);
    return claimed.length;
  }

  /**
   * Publishes records this process holds the claim of (`claimedAt`), as they are stored: the
   * ones it just claimed, or wrote final with its claim in the same statement (the write path:
   * no second read). A failed publish gives the claims back; a published one is marked.
   */
  async publishClaimed(rows: readonly RecordRow[], claimedAt: Date): Promise<void> {
    if (rows.length === 0) return;
    try {
      const records = rows.map(accountingRecordEventOf);
      await this.publisher.publishAll(ACCOUNTING_RECORDS, records);
      // The message's final outcome, for tuxhat_messages_total: once, at its first revision.
      for (const record of records) {
        if (record.revision !== 1) continue;
        this.metrics.increment(METRICS.messages, {
          stage: 'final',
          status: record.finalStatus,
          class: record.classOfService,
          tenant: record.tenantId,
        });
      }
    } catch (error) {
      await this.records.releaseClaims(
        rows.map((row) => row.messageId),
        claimedAt,
      );
      throw error;
    }
    await this.records.markPublished(
      rows.map((row) => ({ messageId: row.messageId, revision: row.revision })),
      claimedAt,
      this.clock.now(),
    );
  }

  /**
   * Publishes what waits and no consumer is about to publish: records of a crashed process
   * (stale claims), of a failed publish, or corrected while another revision was going out.
   * Concurrent calls share one sweep.
   */
  sweep(): Promise<number> {
    this.sweeping ??= (async () => {
      try {
        let total = 0;
        for (;;) {
          const now = this.clock.now();
          const ids = await this.records.findUnpublished(
            new Date(now.getTime() - this.quietMs),
            new Date(now.getTime() - this.leaseMs),
            SWEEP_BATCH,
          );
          if (ids.length === 0) return total;
          const published = await this.publishPending(ids);
          total += published;
          if (published === 0) return total;
        }
      } finally {
        this.sweeping = null;
      }
    })();
    return this.sweeping;
  }
}
