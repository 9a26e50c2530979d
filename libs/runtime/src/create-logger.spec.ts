import { type Span, context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { runWithLogFields, startTracing, stopTracing } from '@tuxhat/observability';

import { createLogger } from './start-service';

const API_KEY = 'thk_k3x9m2pq_' + 'Z'.repeat(43);

/** What the logger wrote to stdout/stderr during `work`, one entry per line. */
function captured(work: () => void): string[] {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    work();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return lines;
}

describe(createLogger.name, () => {
  beforeAll(() => {
    startTracing({
      serviceName: 'test',
      spanProcessors: [new SimpleSpanProcessor({ exporter: new InMemorySpanExporter() })],
    });
  });
  afterAll(() => stopTracing());

  it('writes JSON lines with the service, message id, tenant id and trace id of the work at hand', () => {
    const sut = createLogger('dlr', { LOG_FORMAT: 'json' });
    let span: Span | undefined;
    const [line] = captured(() => {
      span = trace.getTracer('test').startSpan('handle');
      context.with(trace.setSpan(context.active(), span), () => {
        runWithLogFields({ messageId: 'msg_01JD', tenantId: 'acme' }, () => {
          sut.log('receipt matched', 'DlrConsumer');
        });
      });
      span.end();
    });
    expect(JSON.parse(line)).toMatchObject({
      level: 'log',
      service: 'dlr',
      context: 'DlrConsumer',
      message: 'receipt matched',
      messageId: 'msg_01JD',
      tenantId: 'acme',
      traceId: span!.spanContext().traceId,
      spanId: span!.spanContext().spanId,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('redacts secrets and message text by default: strings, structured params, errors', () => {
    const sut = createLogger('ingress', { LOG_FORMAT: 'json' });
    const lines = captured(() => {
      sut.log(`rejected key ${API_KEY} for {"to":"+38267000111","text":"Your code is 123456"}`);
      sut.warn({ event: 'publish', text: 'Your code is 654321', password: 'hunter2' });
      sut.error(new Error('connect postgresql://tuxhat:s3cret@db:5432/tuxhat refused'));
    });
    const all = lines.join('\n');
    expect(all).not.toMatch(/123456|654321|hunter2|s3cret|Z{43}/);
    expect(all).toContain('thk_k3x9m2pq_[redacted]');
    expect(all).toContain('"text\\":\\"[redacted]\\"');
    expect(JSON.parse(lines[1])).toMatchObject({
      message: { text: '[redacted]', password: '[redacted]' },
    });
    expect(all).toContain('postgresql://tuxhat:[redacted]@db:5432/tuxhat');
  });

  it('redacts in text format too, and shows everything with LOG_REDACT=false (development only)', () => {
    const text = captured(() => {
      createLogger('policy', { LOG_FORMAT: 'text' }).log(`password=hunter2 key ${API_KEY}`);
    }).join('\n');
    expect(text).toContain('password=[redacted]');
    expect(text).not.toContain('hunter2');
    const clear = captured(() => {
      createLogger('policy', { LOG_FORMAT: 'json', LOG_REDACT: 'false' }).log('password=hunter2');
    });
    expect(JSON.parse(clear[0]).message).toBe('password=hunter2');
  });

  it('honours LOG_LEVEL', () => {
    const lines = captured(() => {
      const sut = createLogger('routing', { LOG_LEVEL: 'warn' });
      sut.log('not shown');
      sut.warn('shown');
    });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]).message).toBe('shown');
  });
});
