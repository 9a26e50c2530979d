import { Inject, Injectable } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import type { EventOf, TopicDefinition } from '@tuxhat/contracts';
import { lastValueFrom } from 'rxjs';

import { encodeEvent } from './event-codec';

export const EVENT_CLIENT = Symbol('EVENT_CLIENT');

/**
 * How services emit events: typed by topic, validated, keyed and addressed by the topic's
 * contract, sent through the Nest client of the current mode (Kafka or in-process).
 * Resolves when the bus has the event (on Kafka: acknowledged by all in-sync replicas).
 */
@Injectable()
export class EventPublisher {
  constructor(@Inject(EVENT_CLIENT) private readonly client: ClientProxy) {}

  async publish<T extends TopicDefinition>(
    topic: T,
    event: EventOf<T>,
    headers: Record<string, string> = {},
  ): Promise<void> {
    const record = encodeEvent(topic, event, headers);
    await lastValueFrom(this.client.emit(record.topic, record), { defaultValue: undefined });
  }

  async publishAll<T extends TopicDefinition>(
    topic: T,
    events: readonly EventOf<T>[],
  ): Promise<void> {
    await Promise.all(events.map((event) => this.publish(topic, event)));
  }
}
