import {
  type ArgumentsHost,
  BadRequestException,
  HttpException,
  NotFoundException,
  PayloadTooLargeException,
} from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';

import { HttpProblemFilter, problemFromHttpError } from './http-problem.filter';
import { CommonProblem, HttpProblem, type ProblemDefinition } from './problem';

/** What Nest hands the filters for an error Fastify raised while reading the body. */
function fastifyError(code: string, statusCode: number): HttpException {
  const cause = Object.assign(new Error(`fastify says ${code}`), {
    name: 'FastifyError',
    code,
    statusCode,
  });
  return new HttpException(cause.message, statusCode, { cause });
}

/** An API's own catalog, as each API defines one. */
class TeapotProblem extends HttpProblem<'teapot'> {
  protected get definition(): ProblemDefinition {
    return { status: 418, title: "I'm a teapot" };
  }
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

  it('words unsupported_media_type as the API asks', () => {
    expect(
      problemFromHttpError(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415), 'send JSON')
        ?.detail,
    ).toBe('send JSON');
  });

  it('maps Nest exceptions by status', () => {
    expect(problemFromHttpError(new NotFoundException('Cannot GET /x'))?.code).toBe('not_found');
    expect(problemFromHttpError(new PayloadTooLargeException())?.code).toBe('payload_too_large');
    expect(problemFromHttpError(new BadRequestException('nope'))?.code).toBe('bad_request');
  });

  it("passes any API's HttpProblem through", () => {
    const problem = new TeapotProblem('teapot', 'short and stout');
    expect(problemFromHttpError(problem)).toBe(problem);
  });

  it('leaves anything else to be answered as internal', () => {
    expect(problemFromHttpError(new Error('connection refused'))).toBeNull();
    expect(problemFromHttpError(new HttpException('upstream', 502))).toBeNull();
    expect(problemFromHttpError('a string')).toBeNull();
  });
});

describe(HttpProblem.name, () => {
  it('renders RFC 9457 with the stable code, errors only when there are some', () => {
    expect(new CommonProblem('unauthorized', 'the API key is not valid').toDocument()).toEqual({
      type: 'urn:tuxhat:problem:unauthorized',
      title: 'Unauthorized',
      status: 401,
      code: 'unauthorized',
      detail: 'the API key is not valid',
    });
    const errors = [{ field: 'to', code: 'to_invalid', message: 'bad' }];
    expect(new CommonProblem('validation_failed', 'to: bad', errors).toDocument()).toMatchObject({
      status: 400,
      errors,
    });
    expect(new TeapotProblem('teapot', 'tip me over').toDocument()).toMatchObject({
      status: 418,
      title: "I'm a teapot",
      type: 'urn:tuxhat:problem:teapot',
    });
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
    new HttpProblemFilter(adapter, logger, { realm: 'tuxhat' }).catch(exception, host);
    return { headers, status: sent.status, body: JSON.parse(String(sent.body)) as unknown, logged };
  }

  it('answers problem+json, with WWW-Authenticate naming the realm on 401', () => {
    const answer = run(new CommonProblem('unauthorized', 'the API key is not valid'));
    expect(answer.status).toBe(401);
    expect(answer.headers).toEqual({
      'WWW-Authenticate': 'Bearer realm="tuxhat"',
      'Content-Type': 'application/problem+json; charset=utf-8',
    });
  });

  it("answers an API's own problem with its status", () => {
    const answer = run(new TeapotProblem('teapot', 'short and stout'));
    expect(answer.status).toBe(418);
    expect(answer.body).toMatchObject({ code: 'teapot', detail: 'short and stout' });
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
