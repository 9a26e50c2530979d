import { ROOT_CONTEXT, SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';

import {
  contextFromTraceParent,
  extractTraceContext,
  inSpan,
  inStoredTrace,
  injectSpanTraceHeaders,
  injectTraceHeaders,
  startSpan,
  startSpanUnderRemote,
  traceParentOf,
} from './trace-context';
import { flushTracing, startTracing, stopTracing } from './tracing';

describe('trace context', () => {
  const exporter = new InMemorySpanExporter();

  beforeAll(() => {
    startTracing({ serviceName: 'test', spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  });
  afterAll(() => stopTracing());
  beforeEach(() => exporter.reset());

  it('carries a span in W3C headers and reads it back on the other side', async () => {
    await inSpan('produce', { kind: SpanKind.PRODUCER }, async (span) => {
      const headers = injectTraceHeaders({});
      expect(headers.traceparent).toBe(
        `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`,
      );
      const remote = trace.getSpanContext(extractTraceContext(headers));
      expect(remote).toMatchObject({
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        isRemote: true,
      });
    });
    expect(trace.getSpanContext(extractTraceContext({}))).toBeUndefined();
  });

  it("writes a span's headers as the propagators would, with tracestate and baggage", () => {
    const parents = [
      ROOT_CONTEXT,
      extractTraceContext({
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        tracestate: 'vendor=abc',
      }),
      extractTraceContext({
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        baggage: 'tenant=acme',
      }),
    ];
    for (const parent of parents) {
      const span = startSpan('send', { kind: SpanKind.PRODUCER }, parent);
      expect(injectSpanTraceHeaders({ keep: 'me' }, parent, span)).toEqual(
        injectTraceHeaders({ keep: 'me' }, trace.setSpan(parent, span)),
      );
      span.end();
    }
    expect(propagation.getBaggage(parents[2])?.getEntry('tenant')?.value).toBe('acme');
    expect(
      injectSpanTraceHeaders(
        {},
        parents[2],
        trace.wrapSpanContext(trace.getSpanContext(parents[2])!),
      ).baggage,
    ).toBe('tenant=acme');
  });

  it('starts a span under a remote parent as under its context', async () => {
    const remote = trace.getSpanContext(
      extractTraceContext({
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      }),
    )!;
    startSpanUnderRemote('process', { kind: SpanKind.CONSUMER }, remote).end();
    await flushTracing();
    const span = exporter.getFinishedSpans().find(({ name }) => name === 'process')!;
    expect(span.spanContext().traceId).toBe(remote.traceId);
    expect(span.parentSpanContext?.spanId).toBe(remote.spanId);
  });

  it('stores a traceparent and continues its trace later, linking the trace the work arrived on', async () => {
    let stored: string | undefined;
    await inSpan('sent', {}, () => {
      stored = traceParentOf();
    });
    expect(stored).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(trace.getSpanContext(contextFromTraceParent(stored)!)?.traceId).toBe(
      stored!.split('-')[1],
    );
    expect(contextFromTraceParent('garbage')).toBeUndefined();
    expect(contextFromTraceParent(undefined)).toBeUndefined();

    await inSpan('receipt arrives', {}, () =>
      inStoredTrace(stored, 'match receipt', { 'tuxhat.message.id': 'msg_1' }, () => undefined),
    );
    await flushTracing();
    const spans = exporter.getFinishedSpans();
    const receipt = spans.find((span) => span.name === 'receipt arrives')!;
    const match = spans.find((span) => span.name === 'match receipt')!;
    expect(match.spanContext().traceId).toBe(stored!.split('-')[1]);
    expect(match.parentSpanContext?.spanId).toBe(stored!.split('-')[2]);
    expect(match.links.map((link) => link.context.spanId)).toEqual([receipt.spanContext().spanId]);
    expect(match.attributes['tuxhat.message.id']).toBe('msg_1');
  });

  it('runs work in a span that records a failure', async () => {
    await expect(
      inSpan('fails', {}, () => {
        throw new Error('nope');
      }),
    ).rejects.toThrow('nope');
    await flushTracing();
    const [span] = exporter.getFinishedSpans();
    expect(span.status).toMatchObject({ code: 2, message: 'nope' });
    expect(trace.getSpan(context.active())).toBeUndefined();
  });
});
