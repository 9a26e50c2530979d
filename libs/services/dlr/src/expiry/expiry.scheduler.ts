import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { deterministicUuid } from '@tuxhat/contracts';
import { CLOCK, type Clock, PeriodicSweep } from '@tuxhat/runtime';

import { DLR_OPTIONS, type ResolvedDlrOptions } from '../dlr.options';
import { MessagesRepository } from '../messages.repository';
import { aggregateParts } from '../receipts/part-aggregation';
import { PartReceiptsRepository, pairKey } from '../receipts/part-receipts.repository';
import { describeReceipt } from '../receipts/receipt-state';
import { type FinalOutcome, OutcomeService } from '../triggers/outcome.service';
import { DeadlinesRepository } from './deadlines.repository';

/**
 * Gives a message its final state when no final receipt came by its validity period plus the
 * grace time (expiryStatus, `unknown` by default). Durable: the deadlines are rows, polled in
 * batches and claimed with a lease, so a restart or a second instance loses or doubles nothing
 * (a repeat publishes the same derived event id). Time is the injected clock's.
 */
@Injectable()
export class ExpiryScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  static readonly LEASE_MS = 60_000;
  private readonly logger = new Logger('dlr/expiry');
  private readonly sweep: PeriodicSweep<number>;

  constructor(
    private readonly deadlines: DeadlinesRepository,
    private readonly parts: PartReceiptsRepository,
    private readonly messages: MessagesRepository,
    private readonly outcomes: OutcomeService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DLR_OPTIONS) private readonly options: ResolvedDlrOptions,
  ) {
    this.sweep = new PeriodicSweep({
      run: () => this.runOnce(),
      intervalMs: options.expiryPollMs,
      // A full batch means more are due: the next one straight away.
      nextDelayMs: (claimed) => (claimed >= options.expiryBatchSize ? 0 : options.expiryPollMs),
      logger: this.logger,
      failureMessage: 'expiry run failed, trying again',
    });
  }

  onApplicationBootstrap(): void {
    this.sweep.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.sweep.stop();
  }

  /** Handles one batch of passed deadlines; returns how many it claimed. */
  async runOnce(): Promise<number> {
    const now = this.clock.now();
    const due = await this.deadlines.claimDue(
      now,
      this.options.expiryBatchSize,
      new Date(now.getTime() + ExpiryScheduler.LEASE_MS),
    );
    if (due.length === 0) return 0;
    // Already final by another way (a receipt racing the deadline, a failure after a resend).
    const final = await this.messages.finalIds(due.map((deadline) => deadline.messageId));
    const open = due.filter((deadline) => !final.has(deadline.messageId));
    const receipts = await this.parts.of(open);
    const outcomes: FinalOutcome[] = open.map((deadline) => {
      const aggregate = aggregateParts(
        deadline.partCount,
        receipts.get(pairKey(deadline.messageId, deadline.carrierId)) ?? [],
        this.options.expiryStatus,
      );
      const partsNote =
        deadline.partCount > 1
          ? `; ${aggregate.finalParts} of ${deadline.partCount} parts had one`
          : '';
      const worst =
        aggregate.complete &&
        aggregate.decisive.state === aggregate.state &&
        aggregate.decisive.rawState
          ? `; worst part ${aggregate.decisive.partIndex + 1}: ${describeReceipt(aggregate.decisive.rawState, aggregate.decisive.errorCode)}`
          : '';
      const state = aggregate.complete ? aggregate.state : this.options.expiryStatus;
      return {
        messageId: deadline.messageId,
        tenantId: deadline.tenantId,
        carrierId: deadline.carrierId,
        routeId: deadline.routeId,
        state,
        errorCode: aggregate.complete && worst ? (aggregate.decisive.errorCode ?? null) : null,
        detail: `no final receipt from ${deadline.carrierId} by ${deadline.expiresAt.toISOString()} (validity + grace)${partsNote}${worst}`,
        statusEventId: deterministicUuid(`dlr-expiry/${deadline.messageId}/${deadline.carrierId}`),
      };
    });
    await this.outcomes.settle(outcomes);
    await this.deadlines.clear([...final]);
    if (outcomes.length > 0)
      this.logger.log(`${outcomes.length} message(s) reached their deadline`);
    return due.length;
  }
}
