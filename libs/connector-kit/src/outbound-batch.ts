import { Inject, Injectable, type LoggerService } from '@nestjs/common';
import type { SmsOutboundEvent } from '@tuxhat/contracts';
import { BatchOutcome } from '@tuxhat/messaging';
import { CLOCK, type Clock } from '@tuxhat/runtime';

import { ConnectorReporter } from './connector-reporter';
import { ReplayGuard } from './replay-guard';

export interface OutboundBatchDeps {
  readonly replays: ReplayGuard;
  readonly reporter: ConnectorReporter;
  readonly clock: Clock;
  readonly logger: LoggerService;
  /** Sends one message to its carrier; throws to send the event through the retry topic. */
  readonly send: (event: SmsOutboundEvent) => Promise<void>;
}

/**
 * One batch of sms.outbound events, the way every connector handles it: one database query
 * tells which events are replays (skipped, as are duplicates within the batch); a message whose
 * validity ended is reported expired instead of sent; the rest go out concurrently (the
 * carrier's own limits bound what is in flight). An event that cannot go now is retried alone
 * through the retry topic; the rest of the batch counts as done.
 */
export async function handleOutboundBatch(
  events: readonly SmsOutboundEvent[],
  deps: OutboundBatchDeps,
): Promise<BatchOutcome> {
  const skip = await deps.replays.replaysIn(events);
  const failures = new Map<number, unknown>();
  const inThisBatch = new Set<string>();
  const now = deps.clock.now().getTime();
  await Promise.all(
    events.map(async (event, index) => {
      const { messageId, validUntil } = event.message;
      if (skip.has(index) || inThisBatch.has(messageId)) {
        deps.logger.log(
          `message ${messageId}: already sent to a carrier, replay of event ${event.eventId} skipped`,
        );
        return;
      }
      inThisBatch.add(messageId);
      try {
        if (validUntil !== undefined && Date.parse(validUntil) <= now) {
          await deps.reporter.expired(event);
          return;
        }
        await deps.send(event);
      } catch (error) {
        failures.set(index, error);
      }
    }),
  );
  return BatchOutcome.withFailures(failures);
}

/** handleOutboundBatch with the connector's replay guard, reporter and clock: what a consumer injects. */
@Injectable()
export class OutboundBatches {
  constructor(
    private readonly replays: ReplayGuard,
    private readonly reporter: ConnectorReporter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  handle(
    events: readonly SmsOutboundEvent[],
    send: (event: SmsOutboundEvent) => Promise<void>,
    logger: LoggerService,
  ): Promise<BatchOutcome> {
    return handleOutboundBatch(events, {
      replays: this.replays,
      reporter: this.reporter,
      clock: this.clock,
      logger,
      send,
    });
  }
}
