import { Controller, Inject, Logger } from '@nestjs/common';
import {
  DEAD_LETTER,
  SMS_STATUS,
  type DeadLetterEvent,
  type SmsStatusEvent,
} from '@tuxhat/contracts';
import { EventPublisher, OnEventBatch } from '@tuxhat/messaging';
import { CLOCK, type Clock } from '@tuxhat/runtime';

import { MessagesRepository } from '../messages.repository';
import {
  type StrandedMessage,
  settlementOf,
  strandedMessageOf,
  verdictOn,
} from './dead-letter-settlement';

/**
 * sms.deadletter -> a `failed` status (errorCode `dead_lettered`) for each message a dead letter
 * stranded on its way to a carrier (dead-letter-settlement.ts): an accepted message ends in a
 * final state the tenant can see, instead of staying `accepted` or `routed` for ever. The dead
 * letter itself stays where it is (Kafka, or the dead_letters table in all-in-one mode) for an
 * operator. If this handler fails, its own dead letter (of sms.deadletter) strands nothing: no
 * loop.
 */
@Controller()
export class DeadLetterSettlerConsumer {
  private readonly logger = new Logger('dead-letter-settler');

  constructor(
    private readonly messages: MessagesRepository,
    private readonly publisher: EventPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @OnEventBatch(DEAD_LETTER)
  async onDeadLetters(events: DeadLetterEvent[]): Promise<void> {
    // One settlement per message, even when a batch strands it twice.
    const stranded = new Map<string, StrandedMessage>();
    for (const event of events) {
      const found = strandedMessageOf(event);
      if (found && !stranded.has(found.messageId)) stranded.set(found.messageId, found);
    }
    if (stranded.size === 0) return;
    const stored = await this.messages.delivery([...stranded.keys()]);
    const now = this.clock.now();
    const settlements: SmsStatusEvent[] = [];
    for (const message of stranded.values()) {
      const state = stored.get(message.messageId);
      const verdict = verdictOn(message, state);
      const { consumerGroup, originalTopic } = message.deadLetter;
      if (verdict === 'settle' && state) {
        settlements.push(settlementOf(message, state.tenantId, now));
        this.logger.warn(
          `message ${message.messageId} failed (dead_lettered): its ${originalTopic} event was dead-lettered by ${consumerGroup}`,
        );
      } else {
        this.logger.log(
          `message ${message.messageId} left as it is (${verdict}) after a dead letter of ${originalTopic} by ${consumerGroup}`,
        );
      }
    }
    await this.publisher.publishAll(SMS_STATUS, settlements);
  }
}
