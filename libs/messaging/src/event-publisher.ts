import { Inject, Injectable } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { SpanKind, context, trace } from '@opentelemetry/api';
import type { EventOf, TopicDefinition } from '@tuxhat/contracts';
import {
  METRICS,
  SpanAttributes,
  injectTraceHeaders,
  processMetrics,
  recordFailure,
  tracer,
} from '@tuxhat/observability';
import { lastValueFrom } from 'rxjs';

import { encodeEvent } from './event-codec';
import { contextForMessage, messageIdOf, tenantIdOf } from './telemetry/message-trace';

export const EVENT_CLIENT = Symbol('EVENT_CLIENT');

/**
 * How services emit events: typed by topic, validated, keyed and addressed by the topic's
 * contract, sent through the Nest client of the current mode (Kafka or in-process).
 * Resolves when the bus has the event (on Kafka: acknowledged by all in-sync replicas).
 *
 * Each publish is a PRODUCER span whose context travels in the record's headers (W3C
 * traceparent), under the span of the message the event is about: the active one, or, inside
 * a batch handler, that message's own (see telemetry/message-trace.ts).
 */
@Injectable()
export class EventPublisher {
  private readonly metrics = processMetrics();

  constructor(@Inject(EVENT_CLIENT) private readonly client: ClientProxy) {}

  async publish<T extends TopicDefinition>(
    topic: T,
    event: EventOf<T>,
    headers: Record<string, string> = {},
  ): Promise<void> {
    const messageId = messageIdOf(event);
    const tenantId = tenantIdOf(event);
    const parent = contextForMessage(messageId) ?? context.active();
    const span = tracer().startSpan(
      `send ${topic.name}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          [SpanAttributes.messagingOperation]: 'send',
          [SpanAttributes.messagingDestination]: topic.name,
          ...(messageId ? { [SpanAttributes.messageId]: messageId } : {}),
          ...(tenantId ? { [SpanAttributes.tenantId]: tenantId } : {}),
        },
      },
      parent,
    );
    try {
      const record = encodeEvent(
        topic,
        event,
        injectTraceHeaders({ ...headers }, trace.setSpan(parent, span)),
      );
      span.setAttribute(SpanAttributes.messagingDestination, record.topic);
      await lastValueFrom(this.client.emit(record.topic, record), { defaultValue: undefined });
      this.metrics.increment(METRICS.busPublished, { topic: topic.name, result: 'ok' });
    } catch (error) {
      recordFailure(span, error);
      this.metrics.increment(METRICS.busPublished, { topic: topic.name, result: 'error' });
      throw error;
    } finally {
      span.end();
    }
  }

  async publishAll<T extends TopicDefinition>(
    topic: T,
    events: readonly EventOf<T>[],
  ): Promise<void> {
    await Promise.all(events.map((event) => this.publish(topic, event)));
  }
}
