import { performance } from 'node:perf_hooks';

import { type Context, ROOT_CONTEXT, type Span, SpanKind, trace } from '@opentelemetry/api';
import type { TopicDefinition } from '@tuxhat/contracts';
import {
  type BoundCounter,
  type BoundHistogram,
  type LogFields,
  METRICS,
  type Metrics,
  SpanAttributes,
  extractTraceContext,
  recordFailure,
  runInContextWithLogFields,
  runWithLogFields,
  startSpan,
  startSpanUnderRemote,
} from '@tuxhat/observability';

import { BusHeaders, DeliveredEvent, type IncomingRecord } from '../bus-record';
import { BatchOutcome } from '../dispatch/batch-outcome';
import {
  MessageTraceScope,
  type TracedEvent,
  messageIdOf,
  tenantIdOf,
  withMessageTraceScope,
} from './message-trace';
import { occurredAtOf } from './occurred-at';

/** An event as the dispatcher holds it: validated, with the record it came in. */
export interface DispatchedEvent {
  readonly topic: TopicDefinition;
  readonly event: unknown;
  readonly attempt: number;
  readonly record: IncomingRecord;
}

/**
 * An event whose consumer span has started. Its context (the span under the producer's
 * context) is made on first use: a batch handler asks for few of them, if any.
 */
class Started implements TracedEvent {
  private spanContext: Context | undefined;

  constructor(
    readonly item: DispatchedEvent,
    readonly messageId: string | undefined,
    readonly tenantId: string | undefined,
    readonly span: Span,
    /** The producer's context as extracted from headers; ROOT_CONTEXT-based in-process. */
    private readonly parent: Context,
  ) {}

  get event(): unknown {
    return this.item.event;
  }

  get context(): Context {
    return (this.spanContext ??= trace.setSpan(this.parent, this.span));
  }
}

/** What the telemetry records per topic, bound once (no label objects per event). */
interface TopicInstruments {
  readonly spanName: string;
  readonly handled: BoundCounter;
  readonly latency: BoundHistogram;
  readonly duration: BoundHistogram;
}

const CONSUMER_SPAN = { kind: SpanKind.CONSUMER } as const;
const NO_LOG_FIELDS: LogFields = {};

/**
 * What the dispatcher records around each handler call:
 *  - a CONSUMER span per event, child of the producer's span (W3C trace context in the record
 *    headers), so one message's trace crosses every hop, Kafka or in-process;
 *  - the event's message and tenant id (and the trace ids) on every log line the handler writes;
 *  - per hop: outcome counts (tuxhat_bus_events_total), latency from the event's occurredAt
 *    (tuxhat_bus_event_latency_seconds), handler time (tuxhat_bus_handler_duration_seconds).
 *
 * This runs for every event of every hop: spans get their attributes only when they record
 * (not by default, see startTracing), and metric label sets are bound once per topic.
 */
export class DispatchTelemetry {
  private readonly topics = new Map<string, TopicInstruments>();

  constructor(
    private readonly group: string,
    private readonly metrics: Metrics,
    private readonly system: 'kafka' | 'in-process',
  ) {}

  /** Runs a handler call for one event inside the event's span. */
  async one<T>(item: DispatchedEvent, run: () => Promise<T>): Promise<T> {
    const started = this.start(item);
    const scope = new MessageTraceScope([started]);
    const startedAt = performance.now();
    try {
      const result = await runInContextWithLogFields(
        withMessageTraceScope(started.context, scope),
        { messageId: started.messageId, tenantId: started.tenantId },
        run,
      );
      this.handled(item, Date.now());
      return result;
    } catch (error) {
      recordFailure(started.span, error);
      throw error;
    } finally {
      scope.endAdopted();
      started.span.end();
      this.observeDuration(item, startedAt);
    }
  }

  /**
   * Runs a batch handler call: one span per event; during the call each event's context is
   * found by its message id (message-trace.ts), so what the handler publishes or stores for a
   * message stays on that message's trace. A BatchOutcome's failures mark their events' spans.
   */
  async batch<T>(items: readonly DispatchedEvent[], run: () => Promise<T>): Promise<T> {
    const started = items.map((item) => this.start(item));
    const scope = new MessageTraceScope(started);
    const single = started.length === 1 ? started[0] : undefined;
    const runContext = withMessageTraceScope(single?.context ?? ROOT_CONTEXT, scope);
    const startedAt = performance.now();
    try {
      const result = await runInContextWithLogFields(
        runContext,
        single ? { messageId: single.messageId, tenantId: single.tenantId } : NO_LOG_FIELDS,
        run,
      );
      const failures = result instanceof BatchOutcome ? result.failures : undefined;
      const now = Date.now();
      for (let index = 0; index < started.length; index++) {
        const entry = started[index];
        if (failures?.has(index)) recordFailure(entry.span, failures.get(index));
        else this.handled(entry.item, now);
      }
      return result;
    } catch (error) {
      for (const entry of started) recordFailure(entry.span, error);
      throw error;
    } finally {
      scope.endAdopted();
      for (const entry of started) entry.span.end();
      if (items[0]) this.observeDuration(items[0], startedAt);
    }
  }

  /** An event that failed and went to the retry topic or the dead-letter topic. */
  failed(topicName: string, outcome: 'retried' | 'waiting' | 'dead_lettered'): void {
    // Rare: bound on first use, so a topic without failures shows no failure series.
    this.metrics
      .boundCounter(METRICS.busEvents, { group: this.group, topic: topicName, outcome })
      .inc();
  }

  /** Runs `log` with the event's message and tenant id on the log line (failure reports). */
  inLogFieldsOf(item: DispatchedEvent, log: () => void): void {
    runWithLogFields({ messageId: messageIdOf(item.event), tenantId: tenantIdOf(item.event) }, log);
  }

  /** A record dead-lettered before it reached a handler (unreadable, or no handler). */
  rejected(record: IncomingRecord): void {
    this.failed(record.headers[BusHeaders.originalTopic] ?? record.topic, 'dead_lettered');
  }

  private start(item: DispatchedEvent): Started {
    const { record, event } = item;
    const messageId = messageIdOf(event);
    const tenantId = tenantIdOf(event);
    const spanName = this.instrumentsOf(item.topic.name).spanName;
    // The producer's context only: never whatever context the transport's loop runs in.
    // In-process, the producer's span travels with the event (what extracting would give).
    const producerSpan = record instanceof DeliveredEvent ? record.producerSpan : undefined;
    const parent = producerSpan ? ROOT_CONTEXT : extractTraceContext(record.headers, ROOT_CONTEXT);
    const span = producerSpan
      ? startSpanUnderRemote(spanName, CONSUMER_SPAN, producerSpan)
      : startSpan(spanName, CONSUMER_SPAN, parent);
    if (span.isRecording()) {
      span.setAttributes({
        [SpanAttributes.messagingSystem]: this.system,
        [SpanAttributes.messagingOperation]: 'process',
        [SpanAttributes.messagingDestination]: record.topic,
        [SpanAttributes.messagingConsumerGroup]: this.group,
        [SpanAttributes.messagingPartition]: String(record.partition),
        [SpanAttributes.messagingOffset]: record.offset,
        [SpanAttributes.attempt]: item.attempt,
        ...(messageId ? { [SpanAttributes.messageId]: messageId } : {}),
        ...(tenantId ? { [SpanAttributes.tenantId]: tenantId } : {}),
      });
    }
    // In-process the parent context held only the producer's span, which the consumer span
    // replaces: its context is the span on ROOT_CONTEXT.
    return new Started(item, messageId, tenantId, span, parent);
  }

  private handled(item: DispatchedEvent, now: number): void {
    const instruments = this.instrumentsOf(item.topic.name);
    instruments.handled.inc();
    const occurredAt = occurredAtOf(item.event);
    if (occurredAt !== undefined) instruments.latency.observe((now - occurredAt) / 1_000);
  }

  private observeDuration(item: DispatchedEvent, startedAt: number): void {
    this.instrumentsOf(item.topic.name).duration.observe((performance.now() - startedAt) / 1_000);
  }

  private instrumentsOf(topicName: string): TopicInstruments {
    let instruments = this.topics.get(topicName);
    if (!instruments) {
      const labels = { group: this.group, topic: topicName };
      instruments = {
        spanName: `process ${topicName}`,
        handled: this.metrics.boundCounter(METRICS.busEvents, { ...labels, outcome: 'handled' }),
        latency: this.metrics.boundHistogram(METRICS.busEventLatency, labels),
        duration: this.metrics.boundHistogram(METRICS.busHandlerDuration, labels),
      };
      this.topics.set(topicName, instruments);
    }
    return instruments;
  }
}
