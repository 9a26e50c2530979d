import { performance } from 'node:perf_hooks';

import {
  type Context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  context,
  trace,
} from '@opentelemetry/api';
import type { TopicDefinition } from '@tuxhat/contracts';
import {
  METRICS,
  type Metrics,
  SpanAttributes,
  extractTraceContext,
  recordFailure,
  runWithLogFields,
  tracer,
} from '@tuxhat/observability';

import type { IncomingRecord } from '../bus-record';
import { BatchOutcome } from '../dispatch/batch-outcome';
import { BusHeaders } from '../bus-record';
import {
  type MessageTraceScope,
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

interface Started {
  readonly item: DispatchedEvent;
  readonly span: Span;
  readonly context: Context;
}

/**
 * What the dispatcher records around each handler call:
 *  - a CONSUMER span per event, child of the producer's span (W3C trace context in the record
 *    headers), so one message's trace crosses every hop, Kafka or in-process;
 *  - the event's message and tenant id (and the trace ids) on every log line the handler writes;
 *  - per hop: outcome counts (tuxhat_bus_events_total), latency from the event's occurredAt
 *    (tuxhat_bus_event_latency_seconds), handler time (tuxhat_bus_handler_duration_seconds).
 */
export class DispatchTelemetry {
  constructor(
    private readonly group: string,
    private readonly metrics: Metrics,
    private readonly system: 'kafka' | 'in-process',
  ) {}

  /** Runs a handler call for one event inside the event's span. */
  async one<T>(item: DispatchedEvent, run: () => Promise<T>): Promise<T> {
    const started = this.start(item);
    const scope = scopeOf([started]);
    const startedAt = performance.now();
    try {
      const result = await context.with(withMessageTraceScope(started.context, scope), () =>
        runWithLogFields(logFieldsOf(item.event), run),
      );
      this.handled(item);
      return result;
    } catch (error) {
      recordFailure(started.span, error);
      throw error;
    } finally {
      for (const span of scope.adopted) span.end();
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
    const scope = scopeOf(started);
    const single = started.length === 1 ? started[0] : undefined;
    const runContext = withMessageTraceScope(single?.context ?? ROOT_CONTEXT, scope);
    const startedAt = performance.now();
    try {
      const result = await context.with(runContext, () =>
        runWithLogFields(single ? logFieldsOf(single.item.event) : {}, run),
      );
      const failures =
        result instanceof BatchOutcome ? result.failures : new Map<number, unknown>();
      started.forEach((entry, index) => {
        const failure = failures.get(index);
        if (failures.has(index)) recordFailure(entry.span, failure);
        else this.handled(entry.item);
      });
      return result;
    } catch (error) {
      for (const entry of started) recordFailure(entry.span, error);
      throw error;
    } finally {
      for (const span of scope.adopted) span.end();
      for (const entry of started) entry.span.end();
      if (items[0]) this.observeDuration(items[0], startedAt);
    }
  }

  /** An event that failed and went to the retry topic or the dead-letter topic. */
  failed(topicName: string, outcome: 'retried' | 'dead_lettered'): void {
    this.metrics.increment(METRICS.busEvents, { group: this.group, topic: topicName, outcome });
  }

  /** Runs `log` with the event's message and tenant id on the log line (failure reports). */
  inLogFieldsOf(item: DispatchedEvent, log: () => void): void {
    runWithLogFields(logFieldsOf(item.event), log);
  }

  /** A record dead-lettered before it reached a handler (unreadable, or no handler). */
  rejected(record: IncomingRecord): void {
    this.failed(record.headers[BusHeaders.originalTopic] ?? record.topic, 'dead_lettered');
  }

  private start(item: DispatchedEvent): Started {
    // The producer's context only: never whatever context the transport's loop runs in.
    const parent = extractTraceContext(item.record.headers, ROOT_CONTEXT);
    const messageId = messageIdOf(item.event);
    const tenantId = tenantIdOf(item.event);
    const span = tracer().startSpan(
      `process ${item.topic.name}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          [SpanAttributes.messagingSystem]: this.system,
          [SpanAttributes.messagingOperation]: 'process',
          [SpanAttributes.messagingDestination]: item.record.topic,
          [SpanAttributes.messagingConsumerGroup]: this.group,
          [SpanAttributes.messagingPartition]: String(item.record.partition),
          [SpanAttributes.messagingOffset]: item.record.offset,
          [SpanAttributes.attempt]: item.attempt,
          ...(messageId ? { [SpanAttributes.messageId]: messageId } : {}),
          ...(tenantId ? { [SpanAttributes.tenantId]: tenantId } : {}),
        },
      },
      parent,
    );
    return { item, span, context: trace.setSpan(parent, span) };
  }

  private handled(item: DispatchedEvent): void {
    const labels = { group: this.group, topic: item.topic.name };
    this.metrics.increment(METRICS.busEvents, { ...labels, outcome: 'handled' });
    const occurredAt = occurredAtOf(item.event);
    if (occurredAt !== undefined) {
      this.metrics.observe(METRICS.busEventLatency, labels, (Date.now() - occurredAt) / 1_000);
    }
  }

  private observeDuration(item: DispatchedEvent, startedAt: number): void {
    this.metrics.observe(
      METRICS.busHandlerDuration,
      { group: this.group, topic: item.topic.name },
      (performance.now() - startedAt) / 1_000,
    );
  }
}

/** Each event's context by message id, and each event object's span (see message-trace.ts). */
function scopeOf(started: readonly Started[]): MessageTraceScope {
  const scope: MessageTraceScope = { contexts: new Map(), eventSpans: new WeakMap(), adopted: [] };
  for (const { item, span, context: itemContext } of started) {
    const messageId = messageIdOf(item.event);
    if (messageId) scope.contexts.set(messageId, itemContext);
    if (typeof item.event === 'object' && item.event !== null) {
      scope.eventSpans.set(item.event, span.spanContext());
    }
  }
  return scope;
}

function logFieldsOf(event: unknown): { messageId?: string; tenantId?: string } {
  return { messageId: messageIdOf(event), tenantId: tenantIdOf(event) };
}

function occurredAtOf(event: unknown): number | undefined {
  const value = (event as { occurredAt?: unknown } | null)?.occurredAt;
  if (typeof value !== 'string') return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}
