import { Controller } from '@nestjs/common';
import {
  SMS_STATUS,
  SMS_SUBMITTED,
  type SmsStatusEvent,
  type SmsSubmittedEvent,
} from '@tuxhat/contracts';
import { OnEventBatch } from '@tuxhat/messaging';

import { DecisionPublisher } from './decision-publisher';
import { InFlightTracker } from './in-flight-tracker';
import { PolicyEngine } from './policy-engine';

/**
 * sms.submitted (every lane) -> a decision per message, published before the batch is
 * committed; sms.status -> in-flight slots freed. A failure sends the batch through the retry
 * topic: every step is idempotent, a redelivered message gets its recorded decision again.
 */
@Controller()
export class PolicyConsumer {
  constructor(
    private readonly engine: PolicyEngine,
    private readonly decisions: DecisionPublisher,
    private readonly inFlight: InFlightTracker,
  ) {}

  @OnEventBatch(SMS_SUBMITTED)
  async onSubmitted(events: SmsSubmittedEvent[]): Promise<void> {
    const decided = await this.engine.decide(
      events.map((event) => ({ message: event.message, source: 'submitted' as const })),
    );
    await this.decisions.publish(decided);
  }

  @OnEventBatch(SMS_STATUS)
  async onStatus(events: SmsStatusEvent[]): Promise<void> {
    await this.inFlight.land(events);
  }
}
