import { Controller, Logger } from '@nestjs/common';
import { SMS_OUTBOUND, type SmsOutboundEvent } from '@tuxhat/contracts';
import { OutboundBatches } from '@tuxhat/connector-kit';
import { type BatchOutcome, OnEventBatch } from '@tuxhat/messaging';

import { SmsPublisher } from './sms-publisher.service';

/**
 * sms.outbound.v1.<carrier> (every lane) -> SNS Publish -> sms.sent, or a `failed` status. A
 * batch at a time (see handleOutboundBatch in libs/connector-kit): replays skipped with one
 * query, the rest published concurrently through each account's gate.
 */
@Controller()
export class OutboundConsumer {
  private readonly logger = new Logger('sns-connector');

  constructor(
    private readonly batches: OutboundBatches,
    private readonly publisher: SmsPublisher,
  ) {}

  @OnEventBatch(SMS_OUTBOUND)
  onOutbound(events: SmsOutboundEvent[]): Promise<BatchOutcome> {
    return this.batches.handle(events, (event) => this.publisher.publish(event), this.logger);
  }
}
