import { Controller, Logger } from '@nestjs/common';
import { SMS_OUTBOUND, type SmsOutboundEvent } from '@tuxhat/contracts';
import { BatchOutcome, OnEventBatch } from '@tuxhat/messaging';

import { MessageSubmitter } from './message-submitter.service';
import { ReplayGuard } from './replay-guard.repository';

/**
 * sms.outbound.v1.<carrier> -> the carrier over SMPP -> sms.sent, or a `failed` status.
 * A batch at a time: one database query tells which events are replays; the rest are
 * submitted concurrently (each carrier's window bounds what is outstanding). An event the
 * carrier cannot take now goes to the retry topic alone, the rest of the batch counts as done.
 */
@Controller()
export class OutboundConsumer {
  private readonly logger = new Logger('smpp-connector');

  constructor(
    private readonly replays: ReplayGuard,
    private readonly submitter: MessageSubmitter,
  ) {}

  @OnEventBatch(SMS_OUTBOUND)
  async onOutbound(events: SmsOutboundEvent[]): Promise<BatchOutcome> {
    const skip = await this.replays.replaysIn(events);
    const failures = new Map<number, unknown>();
    const inThisBatch = new Set<string>();
    await Promise.all(
      events.map(async (event, index) => {
        const { messageId } = event.message;
        if (skip.has(index) || inThisBatch.has(messageId)) {
          this.logger.log(
            `message ${messageId}: already submitted, replay of event ${event.eventId} skipped`,
          );
          return;
        }
        inThisBatch.add(messageId);
        try {
          await this.submitter.submit(event);
        } catch (error) {
          failures.set(index, error);
        }
      }),
    );
    return BatchOutcome.withFailures(failures);
  }
}
