import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  type ArgumentsHost,
  BadRequestException,
  HttpException,
  NotFoundException,
  PayloadTooLargeException,
} from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';

import {
  GRPC_ERROR_CODE_TRAILER,
  GRPC_FIELD_ERRORS_TRAILER,
  grpcStatusOf,
} from './grpc-problem.filter';
import { HttpProblemFilter, problemFromHttpError } from './http-problem.filter';
import { PROBLEMS, ProblemError } from './problem';

/** What Nest hands the filters for an error Fastify raised while reading the body. */
function fastifyError(code: string, statusCode: number): HttpException {
  const cause = Object.assign(new Error(`fastify says ${code}`), {
    name: 'FastifyError',
    code,
    statusCode,
  });
  return new HttpException(cause.message, statusCode, { cause });
}

describe(problemFromHttpError.name, () => {
  it.each([
    ['FST_ERR_CTP_INVALID_JSON_BODY', 400, 'malformed_json'],
    ['FST_ERR_CTP_EMPTY_JSON_BODY', 400, 'malformed_json'],
    ['FST_ERR_CTP_BODY_TOO_LARGE', 413, 'payload_too_large'],
    ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'unsupported_media_type'],
    ['FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400, 'bad_request'],
  ])('maps Fastify %s to %s', (code, statusCode, expected) => {
    const problem = problemFromHttpError(fastifyError(code, statusCode));
    expect(problem?.code).toBe(expected);
    expect(problem?.status).toBe(statusCode);
  });

  it('maps Nest exceptions by status', () => {
    expect(problemFromHttpError(new NotFoundException('Cannot GET /x'))?.code).toBe('not_found');
    expect(problemFromHttpError(new PayloadTooLargeException())?.code).toBe('payload_too_large');
    expect(problemFromHttpError(new BadRequestException('nope'))?.code).toBe('bad_request');
  });

  it('passes a ProblemError through', () => {
    const problem = new ProblemError('message_not_found', 'no message m');
    expect(problemFromHttpError(problem)).toBe(problem);
  });

  it('leaves anything else to be answered as internal', () => {
    expect(problemFromHttpError(new Error('connection refused'))).toBeNull();
    expect(problemFromHttpError(new HttpException('upstream', 502))).toBeNull();
    expect(problemFromHttpError('a string')).toBeNull();
  });
});

describe(ProblemError.name, () => {
  it('renders RFC 9457 with the stable code, errors only when there are some', () => {
    expect(new ProblemError('unauthorized', 'the API key is not valid').toDocument()).toEqual({
      type: 'urn:tuxhat:problem:unauthorized',
      title: 'Unauthorized',
      status: 401,
      code: 'unauthorized',
      detail: 'the API key is not valid',
    });
    const errors = [{ field: 'to', code: 'to_invalid', message: 'bad' }];
    expect(new ProblemError('validation_failed', 'to: bad', errors).toDocument()).toMatchObject({
      status: 400,
      errors,
    });
  });

  it('gives every code an HTTP and a gRPC status', () => {
    expect(
      Object.fromEntries(Object.entries(PROBLEMS).map(([code, p]) => [code, [p.status, p.grpc]])),
    ).toEqual({
      unauthorized: [401, GrpcStatus.UNAUTHENTICATED],
      malformed_json: [400, GrpcStatus.INVALID_ARGUMENT],
      validation_failed: [400, GrpcStatus.INVALID_ARGUMENT],
      bad_request: [400, GrpcStatus.INVALID_ARGUMENT],
      payload_too_large: [413, GrpcStatus.RESOURCE_EXHAUSTED],
      unsupported_media_type: [415, GrpcStatus.INVALID_ARGUMENT],
      message_not_found: [404, GrpcStatus.NOT_FOUND],
      not_found: [404, GrpcStatus.NOT_FOUND],
      bus_unavailable: [503, GrpcStatus.UNAVAILABLE],
      internal: [500, GrpcStatus.INTERNAL],
    });
  });
});

describe(grpcStatusOf.name, () => {
  it('carries the code and the rejected fields in the trailers', () => {
    const status = grpcStatusOf(
      new ProblemError('validation_failed', 'to: bad; text: empty', [
        { field: 'to', code: 'to_invalid', message: 'bad' },
        { field: 'text', code: 'text_empty', message: 'empty' },
      ]),
    );
    expect(status.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(status.details).toBe('to: bad; text: empty');
    expect(status.metadata.get(GRPC_ERROR_CODE_TRAILER)).toEqual(['validation_failed']);
    expect(status.metadata.get(GRPC_FIELD_ERRORS_TRAILER)).toEqual([
      'to=to_invalid,text=text_empty',
    ]);
  });
});

describe(HttpProblemFilter.name, () => {
  function run(exception: unknown) {
    const headers: Record<string, string> = {};
    const sent: { body?: unknown; status?: number } = {};
    const adapter = {
      setHeader: (_response: unknown, name: string, value: string) => (headers[name] = value),
      reply: (_response: unknown, body: unknown, status: number) =>
        Object.assign(sent, { body, status }),
    } as unknown as AbstractHttpAdapter;
    const logged: string[] = [];
    const logger = {
      log: () => {},
      warn: () => {},
      error: (message: string) => logged.push(message),
    };
    const host = { switchToHttp: () => ({ getResponse: () => ({}) }) } as unknown as ArgumentsHost;
    new HttpProblemFilter(adapter, logger).catch(exception, host);
    return { headers, status: sent.status, body: JSON.parse(String(sent.body)) as unknown, logged };
  }

  it('answers problem+json, with WWW-Authenticate on 401', () => {
    const answer = run(new ProblemError('unauthorized', 'the API key is not valid'));
    expect(answer.status).toBe(401);
    expect(answer.headers).toEqual({
      'WWW-Authenticate': 'Bearer realm="tuxhat"',
      'Content-Type': 'application/problem+json; charset=utf-8',
    });
  });

  it('answers an unexpected error as internal, logs it, and leaks nothing', () => {
    const answer = run(new Error('password authentication failed for user "tuxhat"'));
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({
      type: 'urn:tuxhat:problem:internal',
      title: 'Internal error',
      status: 500,
      code: 'internal',
      detail: expect.not.stringContaining('password'),
    });
    expect(answer.logged.join()).toContain('password authentication failed');
  });
});
