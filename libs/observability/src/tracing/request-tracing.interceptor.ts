import {
  type CallHandler,
  type ExecutionContext,
  HttpException,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import {
  type Context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  trace,
} from '@opentelemetry/api';
import { type Observable, finalize, tap } from 'rxjs';

import { extractTraceContext, recordFailure, startSpan } from './trace-context';

interface HttpRequestLike {
  readonly method?: string;
  readonly url?: string;
  readonly headers?: Record<string, string | string[] | undefined>;
  readonly routeOptions?: { readonly url?: string };
}

interface HttpReplyLike {
  readonly statusCode?: number;
}

interface GrpcMetadataLike {
  getMap(): Record<string, unknown>;
}

/**
 * A SERVER span around each REST or gRPC call, continuing the caller's trace when it sent a
 * W3C traceparent (header or gRPC metadata). Everything the call does (the message record,
 * the sms.submitted event and every hop after it) hangs under this span. Install it with
 * app.useGlobalInterceptors (HTTP) or @UseInterceptors on a gRPC controller.
 */
@Injectable()
export class RequestTracingInterceptor implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    const type = execution.getType<'http' | 'rpc' | 'ws'>();
    let parent: Context;
    let name: string;
    let attributes: Record<string, string>;
    if (type === 'http') {
      const request = execution.switchToHttp().getRequest<HttpRequestLike>();
      const route = request.routeOptions?.url ?? request.url?.split('?')[0] ?? '';
      parent = extractTraceContext(request.headers ?? {}, ROOT_CONTEXT);
      name = `${request.method ?? 'HTTP'} ${route}`;
      attributes = {
        'http.request.method': request.method ?? '',
        'http.route': route,
        'url.path': request.url?.split('?')[0] ?? '',
      };
    } else if (type === 'rpc') {
      // A server stream (e.g. status updates for hours) is no request to time: not traced.
      const call = execution.getArgByIndex<{ write?: unknown } | undefined>(2);
      if (typeof call?.write === 'function') return next.handle();
      const metadata = execution.switchToRpc().getContext<Partial<GrpcMetadataLike> | undefined>();
      const carrier = typeof metadata?.getMap === 'function' ? stringValues(metadata.getMap()) : {};
      parent = extractTraceContext(carrier, ROOT_CONTEXT);
      const method = `${execution.getClass().name}/${execution.getHandler().name}`;
      name = method;
      attributes = { 'rpc.system': 'grpc', 'rpc.method': method };
    } else {
      return next.handle();
    }

    const span = startSpan(name, SERVER_SPAN, parent);
    // Attributes only on a span that records (an unsampled one would clean them for nothing).
    if (span.isRecording()) span.setAttributes(attributes);
    const response =
      type === 'http' ? execution.switchToHttp().getResponse<HttpReplyLike>() : undefined;
    return context
      .with(trace.setSpan(parent, span), () => next.handle())
      .pipe(
        tap({
          error: (error: unknown) => {
            const status = statusOf(error);
            // A client's mistake (4xx, a gRPC validation error) is an answer, not a failure.
            if (status >= 500) recordFailure(span, error);
            else span.setStatus({ code: SpanStatusCode.UNSET });
            if (type === 'http') span.setAttribute('http.response.status_code', status);
            const code = (error as { code?: unknown }).code;
            if (typeof code === 'string') span.setAttribute('tuxhat.problem.code', code);
          },
          complete: () => {
            if (response?.statusCode)
              span.setAttribute('http.response.status_code', response.statusCode);
          },
        }),
        finalize(() => span.end()),
      );
  }
}

const SERVER_SPAN = { kind: SpanKind.SERVER } as const;

/** The HTTP status an error is answered with: HttpException, an HTTP problem (`status`), else 500. */
function statusOf(error: unknown): number {
  if (error instanceof HttpException) return error.getStatus();
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 100 && status < 600 ? status : 500;
}

function stringValues(map: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(map)) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}
