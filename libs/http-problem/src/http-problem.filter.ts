import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  type LoggerService,
} from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { describeError } from '@tuxhat/messaging';

import { CommonProblem, type CommonProblemCode, HttpProblem, INTERNAL_DETAIL } from './problem';

export interface HttpProblemFilterOptions {
  /** `WWW-Authenticate: Bearer realm="<realm>"` on `unauthorized` answers. */
  readonly realm: string;
  /** The detail of `unsupported_media_type` (default: send the body as application/json). */
  readonly mediaTypeDetail?: string;
}

const DEFAULT_MEDIA_TYPE_DETAIL = 'send the body as application/json';

/**
 * Fastify's own errors (raised while reading the body, before any route runs) by their code.
 * Nest hands them to the filters as an HttpException whose `cause` is the Fastify error.
 */
const FASTIFY_ERRORS: Readonly<Record<string, { code: CommonProblemCode; detail: string | null }>> =
  {
    FST_ERR_CTP_INVALID_JSON_BODY: { code: 'malformed_json', detail: 'the body is not valid JSON' },
    FST_ERR_CTP_EMPTY_JSON_BODY: {
      code: 'malformed_json',
      detail: 'the body is empty; send a JSON object',
    },
    FST_ERR_CTP_BODY_TOO_LARGE: {
      code: 'payload_too_large',
      detail: 'the body is larger than this API accepts',
    },
    // null: the API's own wording (HttpProblemFilterOptions.mediaTypeDetail).
    FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', detail: null },
  };

/**
 * What the client is told about any error of the HTTP layer: an HttpProblem as is, Fastify's
 * and Nest's client errors by a stable common code. Null for anything else: a bug or an outage,
 * answered `internal` without details (and logged).
 */
export function problemFromHttpError(
  exception: unknown,
  mediaTypeDetail: string = DEFAULT_MEDIA_TYPE_DETAIL,
): HttpProblem | null {
  if (exception instanceof HttpProblem) return exception;
  if (!(exception instanceof HttpException)) return null;
  const fastifyCode = errorCodeOf(exception.cause);
  const known = fastifyCode === undefined ? undefined : FASTIFY_ERRORS[fastifyCode];
  if (known) return new CommonProblem(known.code, known.detail ?? mediaTypeDetail);
  const status = exception.getStatus();
  switch (status) {
    case 404:
      return new CommonProblem('not_found', 'no such resource');
    case 413:
      return new CommonProblem('payload_too_large', 'the body is larger than this API accepts');
    case 415:
      return new CommonProblem('unsupported_media_type', mediaTypeDetail);
    default:
      // Other client errors of the HTTP layer (e.g. a Content-Length that does not match the
      // body); their messages come from Fastify/Nest and name no internals.
      return status >= 400 && status < 500
        ? new CommonProblem('bad_request', exception.message)
        : null;
  }
}

function errorCodeOf(cause: unknown): string | undefined {
  if (typeof cause !== 'object' || cause === null || !('code' in cause)) return undefined;
  return typeof cause.code === 'string' ? cause.code : undefined;
}

/**
 * Every HTTP error as application/problem+json (RFC 9457) with a stable `code`. Installed as the
 * app's global filter, so it also answers unknown routes and the errors Fastify raises before a
 * route runs (bad JSON, body too large, wrong content type).
 */
@Catch()
export class HttpProblemFilter implements ExceptionFilter {
  constructor(
    private readonly httpAdapter: AbstractHttpAdapter,
    private readonly logger: LoggerService,
    private readonly options: HttpProblemFilterOptions,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    let problem = problemFromHttpError(exception, this.options.mediaTypeDetail);
    if (!problem) {
      this.logger.error(`unhandled error: ${describeError(exception)}`, errorStack(exception));
      problem = new CommonProblem('internal', INTERNAL_DETAIL);
    }
    const response: unknown = host.switchToHttp().getResponse();
    if (problem.code === 'unauthorized') {
      this.httpAdapter.setHeader(
        response,
        'WWW-Authenticate',
        `Bearer realm="${this.options.realm}"`,
      );
    }
    this.httpAdapter.setHeader(response, 'Content-Type', 'application/problem+json; charset=utf-8');
    this.httpAdapter.reply(response, JSON.stringify(problem.toDocument()), problem.status);
  }
}

function errorStack(error: unknown): string | undefined {
  return error instanceof Error ? error.stack : undefined;
}
