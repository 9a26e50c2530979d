import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  type LoggerService,
} from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { HttpProblemFilter } from '@tuxhat/http-problem';

import { ProblemError } from './problem';

/**
 * Every REST error as application/problem+json (the shared HttpProblemFilter), plus what the
 * tenant API adds: `Retry-After` (seconds) on `rate_limited`.
 */
@Catch()
export class IngressProblemFilter implements ExceptionFilter {
  private readonly problems: HttpProblemFilter;

  constructor(
    private readonly httpAdapter: AbstractHttpAdapter,
    logger: LoggerService,
  ) {
    this.problems = new HttpProblemFilter(httpAdapter, logger, {
      realm: 'tuxhat',
      mediaTypeDetail: 'send the request as application/json',
    });
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof ProblemError && exception.retryAfterMs !== undefined) {
      this.httpAdapter.setHeader(
        host.switchToHttp().getResponse(),
        'Retry-After',
        String(retryAfterSeconds(exception.retryAfterMs)),
      );
    }
    this.problems.catch(exception, host);
  }
}

/**
 * Errors Fastify's router raises before Nest sees the request (so no filter runs): a URL
 * whose percent-encoding is not UTF-8 is a bad request; a path parameter over the router's
 * length limit names no resource there can be.
 */
export function frameworkErrorProblem(code: string | undefined): ProblemError {
  return code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? new ProblemError('not_found', 'no such resource')
    : new ProblemError('bad_request', 'the URL is not valid (its percent-encoding is not UTF-8)');
}

/** Whole seconds, at least 1: `Retry-After: 0` would invite an immediate retry storm. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
