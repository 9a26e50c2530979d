import { performance } from 'node:perf_hooks';

import { type Context, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
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

/** An event as the dispatcher holds it: validated, with the record it came in. */
export interface DispatchedEvent {
  readonly topic: TopicDefinition;
  readonly event: unknown;
  readonly attempt: number;
  readonly record: IncomingRecord;
}

interface Started extends TracedEvent {
  readonly item: DispatchedEvent;
  readonly tenantId: string | undefined;
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
      this.handled(item);
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
      for (let index = 0; index < started.length; index++) {
        const entry = started[index];
        if (failures?.has(index)) recordFailure(entry.span, failures.get(index));
        else this.handled(entry.item);
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
  failed(topicName: string, outcome: 'retried' | 'dead_lettered'): void {
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
    // The producer's context only: never whatever context the transport's loop runs in.
    const parent = producerContextOf(item.record);
    const messageId = messageIdOf(item.event);
    const tenantId = tenantIdOf(item.event);
    const span = startSpan(this.instrumentsOf(item.topic.name).spanName, CONSUMER_SPAN, parent);
    if (span.isRecording()) {
      span.setAttributes({
        [SpanAttributes.messagingSystem]: this.system,
        [SpanAttributes.messagingOperation]: 'process',
        [SpanAttributes.messagingDestination]: item.record.topic,
        [SpanAttributes.messagingConsumerGroup]: this.group,
        [SpanAttributes.messagingPartition]: String(item.record.partition),
        [SpanAttributes.messagingOffset]: item.record.offset,
        [SpanAttributes.attempt]: item.attempt,
        ...(messageId ? { [SpanAttributes.messageId]: messageId } : {}),
        ...(tenantId ? { [SpanAttributes.tenantId]: tenantId } : {}),
      });
    }
    return {
      item,
      event: item.event,
      messageId,
      tenantId,
      span,
      context: trace.setSpan(parent, span),
    };
  }

  private handled(item: DispatchedEvent): void {
    const instruments = this.instrumentsOf(item.topic.name);
    instruments.handled.inc();
    const occurredAt = occurredAtOf(item.event);
    if (occurredAt !== undefined) instruments.latency.observe((Date.now() - occurredAt) / 1_000);
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

/** The producer's context only: never whatever context the transport's loop runs in. */
function producerContextOf(record: IncomingRecord): Context {
  // In-process, the producer's span travels with the event (what extracting would give).
  if (record instanceof DeliveredEvent && record.producerSpan) {
    return trace.setSpanContext(ROOT_CONTEXT, record.producerSpan);
  }
  return extractTraceContext(record.headers, ROOT_CONTEXT);
}

function occurredAtOf(event: unknown): number | undefined {
  const value = (event as { occurredAt?: unknown } | null)?.occurredAt;
  if (typeof value !== 'string') return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}
