import { ROOT_CONTEXT, SpanKind, TraceFlags, context, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

import { currentLogFields, runWithLogFields } from '../logging/log-context';
import {
  extractTraceContext,
  injectSpanTraceHeaders,
  injectTraceHeaders,
  startSpan,
  startSpanUnderRemote,
  traceParentOf,
} from './trace-context';
import { startTracing, stopTracing } from './tracing';

/** Tracing as a process starts it by default: no exporter configured. */
describe('tracing without an exporter', () => {
  beforeAll(() => {
    expect(startTracing({ serviceName: 'test', env: {} }).exporters).toEqual(['none']);
  });
  afterAll(() => stopTracing());

  it('makes non-recording spans that still have ids, propagate and reach log lines', () => {
    const root = startSpan('request', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
    expect(root.isRecording()).toBe(false);
    const rootIds = root.spanContext();
    expect(rootIds.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(rootIds.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(rootIds.traceFlags).toBe(TraceFlags.NONE);

    const headers = injectTraceHeaders({}, trace.setSpan(ROOT_CONTEXT, root));
    expect(headers.traceparent).toBe(`00-${rootIds.traceId}-${rootIds.spanId}-00`);
    expect(injectSpanTraceHeaders({}, ROOT_CONTEXT, root)).toEqual(headers);
    const remote = trace.getSpanContext(extractTraceContext(headers))!;
    const underRemote = startSpanUnderRemote('process', { kind: SpanKind.CONSUMER }, remote);
    expect(underRemote.isRecording()).toBe(false);
    expect(underRemote.spanContext().traceId).toBe(rootIds.traceId);
    const consumer = startSpan(
      'process',
      { kind: SpanKind.CONSUMER },
      extractTraceContext(headers),
    );
    expect(consumer.isRecording()).toBe(false);
    expect(consumer.spanContext().traceId).toBe(rootIds.traceId);
    expect(consumer.spanContext().spanId).not.toBe(rootIds.spanId);

    const line = context.with(trace.setSpan(ROOT_CONTEXT, consumer), () =>
      runWithLogFields({ messageId: 'msg_1', tenantId: undefined }, () => currentLogFields()),
    );
    expect(line).toEqual({
      messageId: 'msg_1',
      traceId: rootIds.traceId,
      spanId: consumer.spanContext().spanId,
    });
    expect(traceParentOf(trace.setSpan(ROOT_CONTEXT, consumer))).toBe(
      `00-${rootIds.traceId}-${consumer.spanContext().spanId}-00`,
    );
  });

  it('records under a caller that sampled its trace (parent-based)', () => {
    const parent = extractTraceContext({
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    const span = startSpan('request', {}, parent);
    expect(span.isRecording()).toBe(true);
    const underRemote = startSpanUnderRemote('process', {}, trace.getSpanContext(parent)!);
    expect(underRemote.isRecording()).toBe(true);
    underRemote.end();
    expect(span.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    span.end();
  });

  it('makes no span where tracing is suppressed, and new ids for every span', () => {
    expect(startSpan('x', {}, suppressTracing(ROOT_CONTEXT)).spanContext().traceId).toBe(
      '00000000000000000000000000000000',
    );
    const ids = new Set<string>();
    for (let n = 0; n < 1_000; n++) ids.add(startSpan('x', {}, ROOT_CONTEXT).spanContext().spanId);
    expect(ids.size).toBe(1_000);
  });
});

describe('log fields with tracing off (no context manager)', () => {
  it('still reach the log lines, exactly the innermost ones', () => {
    const seen = runWithLogFields({ messageId: 'outer', tenantId: 'acme' }, () => [
      currentLogFields(),
      runWithLogFields({}, () => currentLogFields()),
    ]);
    expect(seen).toEqual([{ messageId: 'outer', tenantId: 'acme' }, {}]);
    expect(currentLogFields()).toEqual({});
  });
});
