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
  tracer,
} from '@tuxhat/observability';

/**
 * While a handler runs, the trace context of each message it handles, by message id. A batch
 * holds many messages, each on its own trace, and the handler runs once: an event it publishes
 * for message X (or a traceparent it stores for X) belongs to X's trace, found here.
 */
export interface MessageTraceScope {
  readonly contexts: Map<string, Context>;
  /** The consumer span of each event object of the batch (links from continued traces). */
  readonly eventSpans: WeakMap<object, SpanContext>;
  /** Spans started by continueMessageTraces; the dispatcher ends them with the handler call. */
  readonly adopted: Span[];
}

const MESSAGE_TRACE_SCOPE = createContextKey('tuxhat.bus.message-trace-scope');

export function withMessageTraceScope(base: Context, scope: MessageTraceScope): Context {
  return base.setValue(MESSAGE_TRACE_SCOPE, scope);
}

function currentScope(): MessageTraceScope | undefined {
  return context.active().getValue(MESSAGE_TRACE_SCOPE) as MessageTraceScope | undefined;
}

/** The trace context of message `messageId` in the handler call at hand, if it is in it. */
export function contextForMessage(messageId: string | undefined): Context | undefined {
  return messageId ? currentScope()?.contexts.get(messageId) : undefined;
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
    const causeSpan = cause ? scope.eventSpans.get(cause) : trace.getSpanContext(context.active());
    const links: Link[] = causeSpan ? [{ context: causeSpan }] : [];
    const span = tracer().startSpan(
      name,
      { attributes: { [SpanAttributes.messageId]: messageId }, links },
      stored,
    );
    scope.adopted.push(span);
    scope.contexts.set(messageId, trace.setSpan(stored, span));
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
