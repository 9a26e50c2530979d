import { Controller } from '@nestjs/common';
import { SMS_STATUS, type SmsStatusEvent } from '@tuxhat/contracts';
import { OnEventBatch } from '@tuxhat/messaging';

import { AccountingService } from './accounting.service';

/** Every status event, a partition batch at a time (status events are keyed by message id). */
@Controller()
export class AccountingConsumer {
  constructor(private readonly accounting: AccountingService) {}

  @OnEventBatch(SMS_STATUS)
  async onStatus(events: SmsStatusEvent[]): Promise<void> {
    await this.accounting.onStatusEvents(events);
  }
}
