import { Controller, Logger } from '@nestjs/common';
import { SMS_OUTBOUND, type SmsOutboundEvent } from '@tuxhat/contracts';
import { BatchOutcome, OnEventBatch } from '@tuxhat/messaging';

import { ReplayGuard } from './replay-guard.repository';
import { SmsPublisher } from './sms-publisher.service';

/**
 * sms.outbound.v1.<carrier> -> SNS Publish -> sms.sent, or a `failed` status. A batch at a
 * time: one database query tells which events are replays; the rest are published
 * concurrently. An event SNS cannot take now goes to the retry topic alone.
 */
@Controller()
export class OutboundConsumer {
  private readonly logger = new Logger('sns-connector');

  constructor(
    private readonly replays: ReplayGuard,
    private readonly publisher: SmsPublisher,
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
            `message ${messageId}: already published, replay of event ${event.eventId} skipped`,
          );
          return;
        }
        inThisBatch.add(messageId);
        try {
          await this.publisher.publish(event);
        } catch (error) {
          failures.set(index, error);
        }
      }),
    );
    return BatchOutcome.withFailures(failures);
  }
}
