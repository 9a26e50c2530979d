import { randomFillSync } from 'node:crypto';

import {
  type Attributes,
  type Context,
  INVALID_SPANID,
  INVALID_TRACEID,
  type Link,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  type SpanOptions,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  type TracerProvider,
  context,
  isSpanContextValid,
  propagation,
  trace,
} from '@opentelemetry/api';
import { isTracingSuppressed, parseTraceParent } from '@opentelemetry/core';

/** Attribute names of the gateway's own span attributes (OpenTelemetry's where they exist). */
export const SpanAttributes = {
  messageId: 'tuxhat.message.id',
  tenantId: 'tuxhat.tenant.id',
  carrierId: 'tuxhat.carrier.id',
  attempt: 'tuxhat.attempt',
  messagingSystem: 'messaging.system',
  messagingOperation: 'messaging.operation.type',
  messagingDestination: 'messaging.destination.name',
  messagingConsumerGroup: 'messaging.consumer.group.name',
  messagingPartition: 'messaging.destination.partition.id',
  messagingOffset: 'messaging.kafka.offset',
  messagingKey: 'messaging.kafka.message.key',
  messagingBatchSize: 'messaging.batch.message_count',
} as const;

let cachedTracer: { readonly provider: TracerProvider; readonly tracer: Tracer } | undefined;

/** The gateway's tracer (looked up again only when tracing was restarted, as tests do). */
export function tracer(): Tracer {
  const provider = trace.getTracerProvider();
  if (cachedTracer?.provider !== provider) {
    cachedTracer = { provider, tracer: provider.getTracer('tuxhat') };
  }
  return cachedTracer.tracer;
}

/** Set by startTracing: its sampler records only spans whose parent is sampled. */
let unsampledSpansDoNotRecord = false;

/**
 * startTracing tells this module that its sampler is parent-based with root always-off (no
 * exporter): a span records only under a sampled parent. Not for use elsewhere.
 */
export function setUnsampledSpansDoNotRecord(value: boolean): void {
  unsampledSpansDoNotRecord = value;
}

/**
 * Starts a span under `parent` (the gateway's tracer). When the sampler would not record it
 * (no exporter and the parent, if any, unsampled: the default) the span is made here as the
 * SDK would make it, a non-recording span with a new span id (and a new trace id without a
 * parent), without the SDK's sampling, id validation, link and attribute handling: this runs
 * twice per event per hop. Give attributes with setAttributes when span.isRecording().
 */
export function startSpan(name: string, options: SpanOptions, parent: Context): Span {
  if (unsampledSpansDoNotRecord && !options.root && !isTracingSuppressed(parent)) {
    const unsampled = unsampledChildOf(trace.getSpanContext(parent));
    if (unsampled) return unsampled;
  }
  return tracer().startSpan(name, options, parent);
}

/**
 * startSpan under a remote parent (a producer's span as the consumer of its record finds it),
 * for the consumer span of every event: the parent's context (ROOT_CONTEXT and the span) is
 * made only when the SDK needs it, that is when the span may record.
 */
export function startSpanUnderRemote(
  name: string,
  options: SpanOptions,
  parent: SpanContext,
): Span {
  if (unsampledSpansDoNotRecord && !options.root) {
    const unsampled = unsampledChildOf(parent);
    if (unsampled) return unsampled;
  }
  return tracer().startSpan(name, options, trace.setSpanContext(ROOT_CONTEXT, parent));
}

/** The non-recording span the parent-based, root-off sampler would give; undefined: ask it. */
function unsampledChildOf(parentSpan: SpanContext | undefined): Span | undefined {
  if (!parentSpan || !hasUsableIds(parentSpan)) {
    return trace.wrapSpanContext({
      traceId: randomHex(16),
      spanId: randomHex(8),
      traceFlags: TraceFlags.NONE,
    });
  }
  if ((parentSpan.traceFlags & TraceFlags.SAMPLED) === 0) {
    return trace.wrapSpanContext({
      traceId: parentSpan.traceId,
      spanId: randomHex(8),
      traceFlags: TraceFlags.NONE,
      traceState: parentSpan.traceState,
    });
  }
  return undefined;
}

/**
 * The ids of contexts here come from the W3C propagator or a stored traceparent (both
 * validated) or from spans made here: their form needs no regular expression.
 */
function hasUsableIds(spanContext: SpanContext): boolean {
  const { traceId, spanId } = spanContext;
  return (
    traceId.length === 32 &&
    spanId.length === 16 &&
    traceId !== INVALID_TRACEID &&
    spanId !== INVALID_SPANID
  );
}

/** Random hex digits, refilled 8 KiB of randomness at a time: an id is a slice of it. */
let randomPool = '';
let randomOffset = 0;

/** Random lowercase hex of `bytes` bytes, never all zeros (an invalid id). */
function randomHex(bytes: 8 | 16): string {
  const digits = bytes * 2;
  for (;;) {
    if (randomOffset + digits > randomPool.length) {
      randomPool = randomFillSync(Buffer.allocUnsafe(8_192)).toString('hex');
      randomOffset = 0;
    }
    const hex = randomPool.slice(randomOffset, randomOffset + digits);
    randomOffset += digits;
    if (hex !== INVALID_TRACEID && hex !== INVALID_SPANID) return hex;
  }
}

/** Writes the context's trace headers (W3C traceparent/tracestate by default) into `headers`. */
export function injectTraceHeaders(
  into: Record<string, string>,
  from: Context = context.active(),
): Record<string, string> {
  propagation.inject(from, into);
  return into;
}

/**
 * Writes the trace headers of `span`, a span started under `parent`, into `headers`: what
 * injectTraceHeaders(headers, trace.setSpan(parent, span)) writes. With the default W3C
 * propagators (tracecontext, and baggage when the parent carries none) and a span made here
 * or by the SDK (valid ids), the traceparent is written directly: this runs for every event
 * published, and the propagator's context copy and id validation by regular expression were a
 * visible share of it.
 */
export function injectSpanTraceHeaders(
  into: Record<string, string>,
  parent: Context,
  span: Span,
): Record<string, string> {
  if (
    !writesOnlyTraceContext(propagation.fields()) ||
    propagation.getBaggage(parent) !== undefined ||
    isTracingSuppressed(parent)
  ) {
    return injectTraceHeaders(into, trace.setSpan(parent, span));
  }
  const spanContext = span.spanContext();
  if (!hasUsableIds(spanContext)) return injectTraceHeaders(into, trace.setSpan(parent, span));
  // As W3CTraceContextPropagator writes them.
  const flags = Number(spanContext.traceFlags || TraceFlags.NONE).toString(16);
  into.traceparent = `00-${spanContext.traceId}-${spanContext.spanId}-0${flags}`;
  if (spanContext.traceState) into.tracestate = spanContext.traceState.serialize();
  return into;
}

/** The fields of W3C trace context, alone or with W3C baggage (OTEL_PROPAGATORS default). */
function writesOnlyTraceContext(fields: readonly string[]): boolean {
  if (fields.length !== 2 && fields.length !== 3) return false;
  for (const field of fields) {
    if (field !== 'traceparent' && field !== 'tracestate' && field !== 'baggage') return false;
  }
  return fields.includes('traceparent') && fields.includes('tracestate');
}

/** The remote context carried by record or request headers (ROOT_CONTEXT-based when absent). */
export function extractTraceContext(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  base: Context = ROOT_CONTEXT,
): Context {
  return propagation.extract(base, headers);
}

/**
 * The W3C traceparent of the context's span (`00-<trace id>-<span id>-<flags>`), for storing
 * next to data that a later, unrelated event will find (a carrier id, a receipt arrives).
 * Written in W3C form whatever the configured propagators are.
 */
export function traceParentOf(of: Context = context.active()): string | undefined {
  const spanContext = trace.getSpanContext(of);
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  const flags = spanContext.traceFlags.toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/** A context whose (remote) parent is the stored traceparent; undefined when it is not valid. */
export function contextFromTraceParent(
  traceParent: string | null | undefined,
  base: Context = context.active(),
): Context | undefined {
  if (!traceParent) return undefined;
  const spanContext = parseTraceParent(traceParent);
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  return trace.setSpanContext(base, { ...spanContext, isRemote: true });
}

/**
 * Runs `work` in a span started under `parent` (the active context by default), ending it when
 * the work settles and marking it failed when the work throws.
 */
export async function inSpan<T>(
  name: string,
  options: {
    readonly parent?: Context;
    readonly kind?: SpanKind;
    readonly attributes?: Attributes;
    readonly links?: Link[];
  },
  work: (span: Span) => Promise<T> | T,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = startSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, links: options.links },
    parent,
  );
  // Attributes only on a span that records (an unsampled one would clean them for nothing).
  if (options.attributes && span.isRecording()) span.setAttributes(options.attributes);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Continues a message's trace from a traceparent stored earlier (e.g. next to the carrier's
 * message id), for work that arrives on its own trace (a delivery receipt). The span is a
 * child of the stored context and links to the current one, so both traces lead to each other.
 * Without a valid traceparent the work runs in a span of the current trace.
 */
export function inStoredTrace<T>(
  traceParent: string | null | undefined,
  name: string,
  attributes: Attributes,
  work: () => Promise<T> | T,
): Promise<T> {
  const current = trace.getSpanContext(context.active());
  const stored = contextFromTraceParent(traceParent);
  const links: Link[] =
    stored && current && isSpanContextValid(current) ? [{ context: current }] : [];
  return inSpan(name, { parent: stored, attributes, links }, () => work());
}

export function recordFailure(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

export { SpanKind };
