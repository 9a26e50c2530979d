import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { extractTraceContext, recordFailure, startSpan } from '@tuxhat/observability';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { clientCertificateOf } from './client-certificate';
import { parseIdempotencyKey } from './idempotency';
import { MessagesService, type SubmitOutcome, type SubmitOptions } from './messages.service';
import { ProblemError } from './problem';
import type { TenantAuthenticator } from './tenant-authenticator';

export const SUBMIT_ROUTE = '/v1/messages';
export const BATCH_ROUTE = '/v1/messages/batch';

export interface SubmitRouteDependencies {
  readonly authenticator: TenantAuthenticator;
  readonly messages: MessagesService;
  /** The app's problem+json filter (IngressProblemFilter): errors answer as on every route. */
  readonly problems: ExceptionFilter;
  /** The adapter's mapping of Fastify's errors to Nest's (FastifyAdapter.mapException). */
  readonly mapException: (error: unknown) => unknown;
}

type Submit = (
  messages: MessagesService,
  ...args: Parameters<MessagesService['submit']>
) => Promise<SubmitOutcome<unknown>>;

/**
 * The two submission routes, straight on Fastify rather than through Nest's router. They are
 * the hot path (every message enters here), and Nest's per-request layers (guard and param
 * consumers, the global interceptor's rxjs pipeline, the response controller) cost more CPU
 * than the route's own work while adding nothing these routes need. They do what the Nest
 * route did, in the same order: the credential and its `send` scope (401/403), the body (415
 * without one), the Idempotency-Key, the submission; a SERVER span as RequestTracingInterceptor
 * makes; every error answered by the same problem+json filter. Fastify's own body errors (bad
 * JSON, too large, wrong media type) still reach that filter through Nest's error handler.
 */
export function registerSubmitRoutes(
  fastify: FastifyInstance,
  dependencies: SubmitRouteDependencies,
): void {
  const routes: [string, Submit][] = [
    [SUBMIT_ROUTE, (messages, ...args) => messages.submit(...args)],
    [BATCH_ROUTE, (messages, ...args) => messages.submitBatch(...args)],
  ];
  for (const [url, submit] of routes) {
    fastify.route({
      method: 'POST',
      url,
      handler: submitHandler(url, dependencies, submit),
      // Fastify's errors before the handler (body parsing): what Nest's error handler does for
      // its own routes, which a route added outside Nest's router does not get.
      errorHandler: (error, request, reply) => {
        answerError(dependencies.problems, dependencies.mapException(error), request, reply);
      },
    });
  }
}

const SERVER_SPAN = { kind: SpanKind.SERVER } as const;

function submitHandler(
  route: string,
  { authenticator, messages, problems }: SubmitRouteDependencies,
  submit: Submit,
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> {
  const name = `POST ${route}`;
  return async (request, reply) => {
    let caller;
    try {
      // As the guard did, before the request is traced: a refused key gets no span.
      caller = authenticator.authorize(
        {
          authorization: request.headers.authorization,
          clientCertificate: () => clientCertificateOf(request.socket),
        },
        'send',
      );
    } catch (error) {
      return answerError(problems, error, request, reply);
    }
    const parent = extractTraceContext(request.headers, ROOT_CONTEXT);
    const span = startSpan(name, SERVER_SPAN, parent);
    if (span.isRecording()) {
      span.setAttributes({
        'http.request.method': 'POST',
        'http.route': route,
        'url.path': request.url.split('?')[0],
      });
    }
    try {
      const body = requireBody(request.body);
      const options: SubmitOptions = {
        channel: 'REST',
        idempotencyKey: parseIdempotencyKey(request.headers['idempotency-key']),
      };
      const outcome = await context.with(trace.setSpan(parent, span), () =>
        submit(messages, caller, body, options),
      );
      const headers = outcome.response.headers;
      if (headers) for (const header in headers) void reply.header(header, headers[header]);
      if (outcome.replayed) void reply.header('idempotent-replayed', 'true');
      span.setAttribute('http.response.status_code', 202);
      span.end();
      return reply.code(202).send(outcome.response.body);
    } catch (error) {
      const status = statusOf(error);
      // A client's mistake (4xx) is an answer, not a failure.
      if (status >= 500) recordFailure(span, error);
      else span.setStatus({ code: SpanStatusCode.UNSET });
      span.setAttribute('http.response.status_code', status);
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === 'string') span.setAttribute('tuxhat.problem.code', code);
      span.end();
      return answerError(problems, error, request, reply);
    }
  };
}

/**
 * Fastify answers every other content type with 415 before we get here; no body at all (and
 * no content type) arrives as undefined.
 */
function requireBody(body: unknown): unknown {
  if (body === undefined) {
    throw new ProblemError('unsupported_media_type', 'send the request as application/json');
  }
  return body;
}

function answerError(
  problems: ExceptionFilter,
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  problems.catch(error, httpHost(request, reply));
  return reply;
}

/** The HTTP status an error is answered with: a problem's `status`, else 500. */
function statusOf(error: unknown): number {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 100 && status < 600 ? status : 500;
}

/** What an exception filter needs to answer an HTTP request outside Nest's router. */
function httpHost(request: FastifyRequest, reply: FastifyReply): ArgumentsHost {
  const args = [request, reply];
  const http = {
    getRequest: <T>() => request as T,
    getResponse: <T>() => reply as T,
    getNext: <T>() => undefined as T,
  };
  const unsupported = () => {
    throw new Error('an HTTP request has no RPC or WebSocket context');
  };
  return {
    getArgs: <T extends unknown[]>() => args as T,
    getArgByIndex: <T>(index: number) => args[index] as T,
    switchToHttp: () => http,
    switchToRpc: unsupported,
    switchToWs: unsupported,
    getType: <T extends string>() => 'http' as T,
  };
}
