import { Controller, Inject, Logger } from '@nestjs/common';
import {
  DEAD_LETTER,
  SMS_STATUS,
  type DeadLetterEvent,
  type SmsStatusEvent,
} from '@tuxhat/contracts';
import { BatchOutcome, EventPublisher, OnEventBatch } from '@tuxhat/messaging';
import { CLOCK, type Clock } from '@tuxhat/runtime';

import { MessagesRepository } from '../messages.repository';
import {
  type StoredMessage,
  type StrandedMessage,
  settlementOf,
  strandedMessageOf,
  verdictOn,
} from './dead-letter-settlement';
import { type DeadLetteredSent, deadLetteredSentOf, verdictOnSent } from './dead-lettered-sent';
import { DeadLetteredSentRecorder } from './dead-lettered-sent.recorder';

/**
 * sms.deadletter -> a final state, or the way to one, for each message a dead letter would leave
 * without: a `failed` status (errorCode `dead_lettered`) for a message stranded on its way to a
 * carrier (dead-letter-settlement.ts), and for a message whose sms.sent the dlr gave up on, what
 * recording it would have made sure of (an expiry deadline, carrier ids, `sent`:
 * DeadLetteredSentRecorder). An accepted message so ends in a final state the tenant can see,
 * instead of staying `accepted` or `routed` for ever. The dead letter itself stays where it is
 * (Kafka, or the dead_letters table in all-in-one mode) for an operator. If this handler fails,
 * its own dead letter (of sms.deadletter) strands nothing: no loop.
 */
@Controller()
export class DeadLetterSettlerConsumer {
  private readonly logger = new Logger('dead-letter-settler');

  constructor(
    private readonly messages: MessagesRepository,
    private readonly sentRecorder: DeadLetteredSentRecorder,
    private readonly publisher: EventPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @OnEventBatch(DEAD_LETTER)
  async onDeadLetters(events: DeadLetterEvent[]): Promise<BatchOutcome> {
    // One action per message, even when a batch names it twice; the index of its first event.
    const stranded = new Map<string, StrandedMessage>();
    const sent = new Map<string, { letter: DeadLetteredSent; index: number }>();
    events.forEach((event, index) => {
      const found = strandedMessageOf(event);
      if (found && !stranded.has(found.messageId)) stranded.set(found.messageId, found);
      const letter = deadLetteredSentOf(event);
      if (letter && !sent.has(letter.messageId)) sent.set(letter.messageId, { letter, index });
    });
    // A message the carrier took (its sms.sent is among them) is not failed, whatever else says.
    for (const messageId of sent.keys()) stranded.delete(messageId);
    if (stranded.size === 0 && sent.size === 0) return BatchOutcome.allHandled();
    const stored = await this.messages.delivery([...stranded.keys(), ...sent.keys()]);
    const now = this.clock.now();
    const statuses = this.settlements([...stranded.values()], stored, now);
    const recorded = await this.sentRecorder.record(
      [...sent.values()].flatMap(({ letter }) => {
        const state = stored.get(letter.messageId);
        const verdict = verdictOnSent(letter, state);
        if (verdict === 'record' && state) return [{ sent: letter, stored: state }];
        this.logger.log(
          `message ${letter.messageId} left as it is (${verdict}) after a dead letter of its sms.sent by ${letter.deadLetter.consumerGroup}`,
        );
        return [];
      }),
      now,
    );
    await this.publisher.publishAll(SMS_STATUS, [...statuses, ...recorded.statuses]);
    const failures = new Map<number, unknown>();
    for (const [messageId, error] of recorded.failures) {
      const index = sent.get(messageId)?.index;
      if (index !== undefined) failures.set(index, error);
    }
    return BatchOutcome.withFailures(failures);
  }

  /** The `failed` statuses of the stranded messages that nothing else moves on. */
  private settlements(
    stranded: readonly StrandedMessage[],
    stored: ReadonlyMap<string, StoredMessage>,
    now: Date,
  ): SmsStatusEvent[] {
    const settlements: SmsStatusEvent[] = [];
    for (const message of stranded) {
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
    return settlements;
  }
}
