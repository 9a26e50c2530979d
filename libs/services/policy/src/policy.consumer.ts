import { Controller } from '@nestjs/common';
import {
  SMS_ACCEPTED,
  SMS_STATUS,
  SMS_SUBMITTED,
  type SmsSubmittedEvent,
  derivedEnvelope,
} from '@tuxhat/contracts';
import { EventPublisher, OnEventBatch } from '@tuxhat/messaging';

import { PolicyService } from './policy.service';

/** sms.submitted -> sms.accepted, or a `rejected` status with the reason. */
@Controller()
export class PolicyConsumer {
  constructor(
    private readonly policy: PolicyService,
    private readonly publisher: EventPublisher,
  ) {}

  @OnEventBatch(SMS_SUBMITTED)
  async onSubmitted(events: SmsSubmittedEvent[]): Promise<void> {
    await Promise.all(
      events.map(async ({ eventId, message }) => {
        const decision = await this.policy.decide(message);
        if (decision.verdict === 'accept') {
          await this.publisher.publish(SMS_ACCEPTED, {
            ...derivedEnvelope(eventId, 'accepted'),
            message,
            decision: `policy ${decision.rule}`,
          });
        } else {
          await this.publisher.publish(SMS_STATUS, {
            ...derivedEnvelope(eventId, 'rejected'),
            messageId: message.messageId,
            tenantId: message.tenantId,
            status: 'rejected',
            detail: `policy ${decision.rule}: ${decision.reason}`,
            source: 'policy',
          });
        }
      }),
    );
  }
}
