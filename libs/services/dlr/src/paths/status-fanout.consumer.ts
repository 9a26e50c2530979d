import { Controller } from '@nestjs/common';
import { SMS_STATUS, type SmsStatusEvent } from '@tuxhat/contracts';
import { OnEventBatch } from '@tuxhat/messaging';

import { StatusFanout } from './status-fanout';

/**
 * sms.status from every stage, to where each tenant wants it (StatusFanout). The final statuses
 * the receipt path settles are delivered there already, before they are published (they would
 * otherwise queue twice in this service: as the receipt, then as its status): those this
 * instance handed over recently are skipped here; any other (a replay, another instance's) goes
 * through StatusFanout again, which is idempotent.
 */
@Controller()
export class StatusFanoutConsumer {
  constructor(private readonly fanout: StatusFanout) {}

  @OnEventBatch(SMS_STATUS)
  async onStatus(events: SmsStatusEvent[]): Promise<void> {
    await this.fanout.deliver(events.filter((event) => !this.fanout.handedOver(event.eventId)));
  }
}
