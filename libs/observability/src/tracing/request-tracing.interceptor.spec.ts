import { type CallHandler, type ExecutionContext, HttpException } from '@nestjs/common';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { lastValueFrom, of, throwError } from 'rxjs';

import { RequestTracingInterceptor } from './request-tracing.interceptor';
import { flushTracing, startTracing, stopTracing } from './tracing';

function http(request: object, statusCode = 202): ExecutionContext {
  return {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({ statusCode }) }),
  } as unknown as ExecutionContext;
}

function rpc(metadata: object, call?: object): ExecutionContext {
  return {
    getType: () => 'rpc',
    getClass: () => ({ name: 'MessagesGrpcController' }),
    getHandler: () => ({ name: 'submit' }),
    getArgByIndex: (index: number) => (index === 2 ? call : undefined),
    switchToRpc: () => ({ getContext: () => metadata }),
  } as unknown as ExecutionContext;
}

describe(RequestTracingInterceptor.name, () => {
  const exporter = new InMemorySpanExporter();
  const sut = new RequestTracingInterceptor();
  const callerTrace = '0af7651916cd43dd8448eb211c80319c';

  beforeAll(() => {
    startTracing({ serviceName: 'test', spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  });
  afterAll(() => stopTracing());
  beforeEach(() => exporter.reset());

  it('wraps a REST call in a SERVER span that continues the caller’s traceparent, active in the handler', async () => {
    let activeInHandler: string | undefined;
    const handler: CallHandler = {
      handle: () => {
        activeInHandler = trace.getSpan(context.active())?.spanContext().traceId;
        return of({ id: 'msg_1' });
      },
    };
    await lastValueFrom(
      sut.intercept(
        http({
          method: 'POST',
          url: '/v1/messages?x=1',
          routeOptions: { url: '/v1/messages' },
          headers: { traceparent: `00-${callerTrace}-b7ad6b7169203331-01` },
        }),
        handler,
      ),
    );
    await flushTracing();
    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('POST /v1/messages');
    expect(span.kind).toBe(1); // SERVER
    expect(span.spanContext().traceId).toBe(callerTrace);
    expect(activeInHandler).toBe(callerTrace);
    expect(span.attributes).toMatchObject({
      'http.route': '/v1/messages',
      'http.response.status_code': 202,
    });
  });

  it('treats a client error as an answer and a server error as a failure', async () => {
    const failing = (error: unknown): CallHandler => ({ handle: () => throwError(() => error) });
    await expect(
      lastValueFrom(
        sut.intercept(
          http({ method: 'POST', url: '/v1/messages' }),
          failing(new HttpException('bad', 400)),
        ),
      ),
    ).rejects.toThrow('bad');
    const problem = Object.assign(new Error('validation_failed: to'), {
      status: 400,
      code: 'validation_failed',
    });
    await expect(
      lastValueFrom(sut.intercept(rpc({ getMap: () => ({}) }), failing(problem))),
    ).rejects.toThrow();
    await expect(
      lastValueFrom(
        sut.intercept(
          http({ method: 'GET', url: '/v1/messages/x' }),
          failing(new Error('db down')),
        ),
      ),
    ).rejects.toThrow('db down');
    await flushTracing();
    const [clientError, grpcProblem, serverError] = exporter.getFinishedSpans();
    expect(clientError.status.code).toBe(0);
    expect(clientError.attributes['http.response.status_code']).toBe(400);
    expect(grpcProblem.name).toBe('MessagesGrpcController/submit');
    expect(grpcProblem.attributes['tuxhat.problem.code']).toBe('validation_failed');
    expect(grpcProblem.status.code).toBe(0);
    expect(serverError.status.code).toBe(2);
  });

  it('continues a gRPC caller’s trace from metadata, and leaves server streams untraced', async () => {
    await lastValueFrom(
      sut.intercept(
        rpc({ getMap: () => ({ traceparent: `00-${callerTrace}-b7ad6b7169203331-01` }) }),
        {
          handle: () => of(1),
        },
      ),
    );
    await lastValueFrom(
      sut.intercept(rpc({ getMap: () => ({}) }, { write: () => true }), { handle: () => of(1) }),
    );
    await flushTracing();
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    expect(spans[0].spanContext().traceId).toBe(callerTrace);
    expect(spans[0].attributes['rpc.system']).toBe('grpc');
  });
});
