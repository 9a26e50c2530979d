import {
  type Context,
  type Link,
  type Span,
  type SpanContext,
  context,
  createContextKey,
  trace,
} from '@opentelemetry/api';
import {
  SpanAttributes,
  contextFromTraceParent,
  traceParentOf,
  startSpan,
} from '@tuxhat/observability';

/** One event of a handler call, in its own span. */
export interface TracedEvent {
  readonly event: unknown;
  readonly messageId: string | undefined;
  readonly span: Span;
  /** The event's span in the context of its producer's trace. */
  readonly context: Context;
}

/**
 * While a handler runs, the trace context of each message it handles, by message id. A batch
 * holds many messages, each on its own trace, and the handler runs once: an event it publishes
 * for message X (or a traceparent it stores for X) belongs to X's trace, found here.
 *
 * Built for every handler call, so it allocates nothing up front: lookups scan a small batch
 * and index a large one on first use.
 */
export class MessageTraceScope {
  /** Contexts continueMessageTraces set (they win over the events' own). */
  private continued: Map<string, Context> | undefined;
  private byMessageId: Map<string, Context> | undefined;
  private byEvent: Map<object, SpanContext> | undefined;
  /** Spans started by continueMessageTraces; the dispatcher ends them with the handler call. */
  private adopted: Span[] | undefined;

  constructor(private readonly events: readonly TracedEvent[]) {}

  contextOf(messageId: string): Context | undefined {
    const continued = this.continued?.get(messageId);
    if (continued) return continued;
    const events = this.events;
    if (events.length <= SCAN_UP_TO) {
      // The last event of a message wins (a batch may hold a message twice).
      for (let index = events.length - 1; index >= 0; index--) {
        if (events[index].messageId === messageId) return events[index].context;
      }
      return undefined;
    }
    if (!this.byMessageId) {
      this.byMessageId = new Map();
      for (const entry of events) {
        if (entry.messageId) this.byMessageId.set(entry.messageId, entry.context);
      }
    }
    return this.byMessageId.get(messageId);
  }

  /** The consumer span of an event object of the call (links from continued traces). */
  spanContextOfEvent(event: object): SpanContext | undefined {
    const events = this.events;
    if (events.length <= SCAN_UP_TO) {
      for (let index = events.length - 1; index >= 0; index--) {
        if (events[index].event === event) return events[index].span.spanContext();
      }
      return undefined;
    }
    if (!this.byEvent) {
      this.byEvent = new Map();
      for (const entry of events) {
        if (typeof entry.event === 'object' && entry.event !== null) {
          this.byEvent.set(entry.event, entry.span.spanContext());
        }
      }
    }
    return this.byEvent.get(event);
  }

  continueWith(messageId: string, span: Span, spanContext: Context): void {
    (this.adopted ??= []).push(span);
    (this.continued ??= new Map()).set(messageId, spanContext);
  }

  /** Ends the spans continueMessageTraces started (the handler call is over). */
  endAdopted(): void {
    if (!this.adopted) return;
    for (const span of this.adopted) span.end();
    this.adopted = undefined;
  }
}

/** Batches up to this size are scanned; larger ones indexed on first lookup. */
const SCAN_UP_TO = 16;

const MESSAGE_TRACE_SCOPE = createContextKey('tuxhat.bus.message-trace-scope');

export function withMessageTraceScope(base: Context, scope: MessageTraceScope): Context {
  return base.setValue(MESSAGE_TRACE_SCOPE, scope);
}

function currentScope(): MessageTraceScope | undefined {
  return context.active().getValue(MESSAGE_TRACE_SCOPE) as MessageTraceScope | undefined;
}

/** The trace context of message `messageId` in the handler call at hand, if it is in it. */
export function contextForMessage(messageId: string | undefined): Context | undefined {
  return messageId ? currentScope()?.contextOf(messageId) : undefined;
}

/**
 * The W3C traceparent under which message `messageId` is being handled (its event's span in
 * a batch, else the active span): store it where a later event on another trace will look
 * (with the carrier's message id, for the delivery receipt).
 */
export function messageTraceParent(messageId: string): string | undefined {
  return traceParentOf(contextForMessage(messageId) ?? context.active());
}

export interface ContinuedTrace {
  readonly messageId: string;
  /** Stored earlier with messageTraceParent; nothing happens without a valid one. */
  readonly traceParent: string | null | undefined;
  /** The event (of the batch at hand) that brought the work, e.g. the receipt: linked. */
  readonly cause?: object;
}

/**
 * Work that arrives on its own trace for a message that has one (a delivery receipt): from here
 * to the end of the handler call, what is published for each message continues the message's
 * stored trace, in a span (`name`) that links the event that brought it. So a message's trace
 * goes on to its final status, accounting and callbacks; the receipt's own trace leads there.
 */
export function continueMessageTraces(name: string, traces: readonly ContinuedTrace[]): void {
  const scope = currentScope();
  if (!scope) return;
  for (const { messageId, traceParent, cause } of traces) {
    const stored = contextFromTraceParent(traceParent);
    if (!stored) continue;
    const causeSpan = cause
      ? scope.spanContextOfEvent(cause)
      : trace.getSpanContext(context.active());
    const links: Link[] = causeSpan ? [{ context: causeSpan }] : [];
    const span = startSpan(name, { links }, stored);
    if (span.isRecording()) span.setAttribute(SpanAttributes.messageId, messageId);
    scope.continueWith(messageId, span, trace.setSpan(stored, span));
  }
}

/** The message an event is about: `messageId`, or `message.messageId` for events carrying the message. */
export function messageIdOf(event: unknown): string | undefined {
  return stringField(event, 'messageId') ?? stringField(fieldOf(event, 'message'), 'messageId');
}

export function tenantIdOf(event: unknown): string | undefined {
  return stringField(event, 'tenantId') ?? stringField(fieldOf(event, 'message'), 'tenantId');
}

function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function stringField(value: unknown, key: string): string | undefined {
  const field = fieldOf(value, key);
  return typeof field === 'string' ? field : undefined;
}
