import { Controller, Logger } from '@nestjs/common';
import { SMS_OUTBOUND, type SmsOutboundEvent } from '@tuxhat/contracts';
import { OutboundBatches } from '@tuxhat/connector-kit';
import { type BatchOutcome, OnEventBatch } from '@tuxhat/messaging';

import { MessageSubmitter } from './message-submitter.service';

/**
 * sms.outbound.v1.<carrier> (every lane) -> the carrier over SMPP -> sms.sent, a `failed`
 * status, or sms.reroute. A batch at a time (see handleOutboundBatch in libs/connector-kit):
 * replays skipped with one query, the rest submitted concurrently through each carrier's
 * dispatcher.
 */
@Controller()
export class OutboundConsumer {
  private readonly logger = new Logger('smpp-connector');

  constructor(
    private readonly batches: OutboundBatches,
    private readonly submitter: MessageSubmitter,
  ) {}

  @OnEventBatch(SMS_OUTBOUND)
  onOutbound(events: SmsOutboundEvent[]): Promise<BatchOutcome> {
    return this.batches.handle(events, (event) => this.submitter.submit(event), this.logger);
  }
}
