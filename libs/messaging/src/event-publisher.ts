import { Inject, Injectable } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { type Span, type SpanContext, SpanKind, context } from '@opentelemetry/api';
import type { EventOf, TopicDefinition } from '@tuxhat/contracts';
import {
  type BoundCounter,
  METRICS,
  SpanAttributes,
  injectSpanTraceHeaders,
  processMetrics,
  recordFailure,
  startSpan,
} from '@tuxhat/observability';
import { lastValueFrom } from 'rxjs';

import { type OutgoingRecord, isDirectRecordSender } from './bus-record';
import { encodeEvent } from './event-codec';
import { contextForMessage, messageIdOf, tenantIdOf } from './telemetry/message-trace';

export const EVENT_CLIENT = Symbol('EVENT_CLIENT');

/** What publishing records per topic, bound once. */
interface TopicInstruments {
  readonly spanName: string;
  readonly ok: BoundCounter;
}

const PRODUCER_SPAN = { kind: SpanKind.PRODUCER } as const;

/** A failure as an async function gives it: the rejection reason is the thrown value. */
async function rejectedWith(error: unknown): Promise<never> {
  throw error;
}

/** What publish returns once the bus has the event already (in-process). */
const DELIVERED: Promise<void> = Promise.resolve();

/**
 * The producer span as a consumer extracting `headers` finds it, when that is all they carry
 * (the W3C traceparent, no baggage): the in-process bus passes it on instead of the consumer
 * parsing the headers (see EncodedEvent).
 */
function remoteSpanIn(headers: Record<string, string>, span: Span): SpanContext | undefined {
  if (headers.traceparent === undefined || headers.baggage !== undefined) return undefined;
  const { traceId, spanId, traceFlags, traceState } = span.spanContext();
  return { traceId, spanId, traceFlags, traceState, isRemote: true };
}

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
  private readonly topics = new Map<TopicDefinition, TopicInstruments>();
  /** Our clients take records directly; any other Nest client through emit(). */
  private readonly send: (record: OutgoingRecord) => Promise<unknown> | undefined;
  private readonly sendDurably: (record: OutgoingRecord) => Promise<unknown>;

  constructor(@Inject(EVENT_CLIENT) client: ClientProxy) {
    if (isDirectRecordSender(client)) {
      this.send = (record) => client.sendRecord(record);
      this.sendDurably = (record) => client.sendRecordDurably(record);
    } else {
      this.send = (record) =>
        lastValueFrom(client.emit(record.topic, record), { defaultValue: undefined });
      this.sendDurably = this.send as (record: OutgoingRecord) => Promise<unknown>;
    }
  }

  /**
   * Not an async function: on the in-process bus the record is delivered before this returns,
   * and the promise of every publish of every hop was pure cost; it gets one already settled.
   * Every failure still arrives as a rejected promise, never as a throw.
   */
  publish<T extends TopicDefinition>(
    topic: T,
    event: EventOf<T>,
    headers?: Readonly<Record<string, string>>,
  ): Promise<void> {
    return this.publishWith(this.send, topic, event, headers);
  }

  /**
   * publish(), for an event nothing else could bring back if it were lost: what a carrier
   * handed over (a receipt, an MO) and what it caused. On Kafka the same as publish (the
   * brokers have it); on the in-process bus of all-in-one mode, which is memory, it resolves
   * only when every consumer group of the topic is done with it, so that what the caller
   * acknowledges outside the process (deliver_sm_resp) is stored. It rejects when that takes
   * longer than the bus's acknowledgement timeout (the event goes on regardless).
   */
  publishDurably<T extends TopicDefinition>(topic: T, event: EventOf<T>): Promise<void> {
    return this.publishWith(this.sendDurably, topic, event);
  }

  async publishAllDurably<T extends TopicDefinition>(
    topic: T,
    events: readonly EventOf<T>[],
  ): Promise<void> {
    await Promise.all(events.map((event) => this.publishDurably(topic, event)));
  }

  private publishWith<T extends TopicDefinition>(
    send: (record: OutgoingRecord) => Promise<unknown> | undefined,
    topic: T,
    event: EventOf<T>,
    headers?: Readonly<Record<string, string>>,
  ): Promise<void> {
    let span: Span | undefined;
    try {
      const instruments = this.instrumentsOf(topic);
      const messageId = messageIdOf(event);
      const parent = contextForMessage(messageId) ?? context.active();
      span = startSpan(instruments.spanName, PRODUCER_SPAN, parent);
      const recording = span.isRecording();
      if (recording) {
        const tenantId = tenantIdOf(event);
        span.setAttributes({
          [SpanAttributes.messagingOperation]: 'send',
          [SpanAttributes.messagingDestination]: topic.name,
          ...(messageId ? { [SpanAttributes.messageId]: messageId } : {}),
          ...(tenantId ? { [SpanAttributes.tenantId]: tenantId } : {}),
        });
      }
      const traceHeaders = injectSpanTraceHeaders(headers ? { ...headers } : {}, parent, span);
      const record = encodeEvent(topic, event, traceHeaders, {
        producerSpan: remoteSpanIn(traceHeaders, span),
      });
      if (recording) span.setAttribute(SpanAttributes.messagingDestination, record.topic);
      const sending = send(record);
      if (!sending) {
        instruments.ok.inc();
        span.end();
        return DELIVERED;
      }
      const sent = span;
      return sending.then(
        () => {
          instruments.ok.inc();
          sent.end();
        },
        (error: unknown) => {
          this.failed(topic, sent, error);
          throw error;
        },
      );
    } catch (error) {
      this.failed(topic, span, error);
      return rejectedWith(error);
    }
  }

  async publishAll<T extends TopicDefinition>(
    topic: T,
    events: readonly EventOf<T>[],
  ): Promise<void> {
    let pending: Promise<void>[] | undefined;
    for (const event of events) {
      const published = this.publish(topic, event);
      if (published !== DELIVERED) (pending ??= []).push(published);
    }
    if (pending) await Promise.all(pending);
  }

  private failed(topic: TopicDefinition, span: Span | undefined, error: unknown): void {
    if (span) {
      recordFailure(span, error);
      span.end();
    }
    // Rare: bound on first use, so a topic without failures shows no error series.
    this.metrics.boundCounter(METRICS.busPublished, { topic: topic.name, result: 'error' }).inc();
  }

  private instrumentsOf(topic: TopicDefinition): TopicInstruments {
    let instruments = this.topics.get(topic);
    if (!instruments) {
      instruments = {
        spanName: `send ${topic.name}`,
        ok: this.metrics.boundCounter(METRICS.busPublished, { topic: topic.name, result: 'ok' }),
      };
      this.topics.set(topic, instruments);
    }
    return instruments;
  }
}
