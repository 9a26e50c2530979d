import { Logger } from '@nestjs/common';
import type { Metadata, ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { extractTraceContext, recordFailure, startSpan } from '@tuxhat/observability';

import { grpcErrorStatus } from './grpc-problem.filter';

/** A unary gRPC method as grpc-js calls it. */
export type UnaryHandler = (
  call: ServerUnaryCall<unknown, unknown>,
  callback: sendUnaryData<unknown>,
) => void;

/** A controller method of the shape @GrpcMethod handlers have. */
export type UnaryMethod = (
  request: never,
  metadata: Metadata,
  call: ServerUnaryCall<unknown, unknown>,
) => Promise<unknown>;

const SERVER_SPAN = { kind: SpanKind.SERVER } as const;
const logger = new Logger('GrpcProblemFilter');

/**
 * A gRPC controller method called by grpc-js directly, without Nest's microservice pipeline
 * (its interceptor and filter consumers, and the rxjs Observables each call is wrapped in):
 * for the hot submission methods, where those layers cost more CPU than the method's own
 * work. It does what that pipeline did for them: the SERVER span RequestTracingInterceptor
 * makes (named `Controller/method`, continuing a traceparent from the metadata), and every
 * error answered as GrpcProblemFilter answers it.
 */
export function directUnary(name: string, method: UnaryMethod): UnaryHandler {
  return (call, callback) => {
    const parent = extractTraceContext(stringValues(call.metadata.getMap()), ROOT_CONTEXT);
    const span = startSpan(name, SERVER_SPAN, parent);
    if (span.isRecording()) span.setAttributes({ 'rpc.system': 'grpc', 'rpc.method': name });
    // An async method: even a synchronous throw (none expected) arrives as a rejection.
    const answer = context.with(trace.setSpan(parent, span), async () =>
      method(call.request as never, call.metadata, call),
    );
    answer.then(
      (response) => {
        span.end();
        callback(null, response);
      },
      (error: unknown) => {
        // A client's mistake (an HTTP-like 4xx problem) is an answer, not a failure.
        if (statusOf(error) >= 500) recordFailure(span, error);
        else span.setStatus({ code: SpanStatusCode.UNSET });
        const code = (error as { code?: unknown } | null)?.code;
        if (typeof code === 'string') span.setAttribute('tuxhat.problem.code', code);
        span.end();
        callback(grpcErrorStatus(error, logger));
      },
    );
  };
}

function statusOf(error: unknown): number {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 100 && status < 600 ? status : 500;
}

function stringValues(map: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in map) {
    const value = map[key];
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}
