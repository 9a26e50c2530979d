import { Controller, Inject, Logger } from '@nestjs/common';
import { DEAD_LETTER, type DeadLetterEvent } from '@tuxhat/contracts';
import type { PrismaClient } from '@tuxhat/database';
import { OnEventBatch } from '@tuxhat/messaging';
import { PRISMA } from '@tuxhat/runtime';

/**
 * In all-in-one mode there is no Kafka topic to keep dead letters in, so they are kept in
 * the database (table dead_letters) for an operator to inspect and replay, and logged.
 */
@Controller()
export class DeadLetterConsumer {
  private readonly logger = new Logger('dead-letters');

  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @OnEventBatch(DEAD_LETTER)
  async onDeadLetters(events: DeadLetterEvent[]): Promise<void> {
    await this.prisma.deadLetter.createMany({
      data: events.map((event) => ({
        eventId: event.eventId,
        originalTopic: event.originalTopic,
        originalKey: event.originalKey,
        consumerGroup: event.consumerGroup,
        reason: event.reason,
        attempts: event.attempts,
        payload: event.payload,
        failedAt: new Date(event.occurredAt),
      })),
      skipDuplicates: true,
    });
    for (const event of events) {
      this.logger.error(
        `dead letter from ${event.consumerGroup} on ${event.originalTopic} (key ${event.originalKey ?? '-'}) after ${event.attempts} attempt(s): ${event.reason}`,
      );
    }
  }
}
