import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { status as GrpcStatus } from '@grpc/grpc-js';
import { COMMON_HTTP_PROBLEMS } from '@tuxhat/http-problem';

import { loadOpenApiDocument } from './api-docs';
import {
  GRPC_ERROR_CODE_TRAILER,
  GRPC_FIELD_ERRORS_TRAILER,
  GRPC_RETRY_AFTER_TRAILER,
  grpcStatusOf,
} from './grpc-problem.filter';
import { PROBLEMS, ProblemError } from './problem';
import { FIELD_ERROR_CODES } from './submission.validation';

describe(ProblemError.name, () => {
  // How the REST layer renders and maps errors is @tuxhat/http-problem's (tested there).
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
      insufficient_scope: [403, GrpcStatus.PERMISSION_DENIED],
      malformed_json: [400, GrpcStatus.INVALID_ARGUMENT],
      validation_failed: [400, GrpcStatus.INVALID_ARGUMENT],
      bad_request: [400, GrpcStatus.INVALID_ARGUMENT],
      payload_too_large: [413, GrpcStatus.RESOURCE_EXHAUSTED],
      batch_too_large: [413, GrpcStatus.INVALID_ARGUMENT],
      unsupported_media_type: [415, GrpcStatus.INVALID_ARGUMENT],
      message_not_found: [404, GrpcStatus.NOT_FOUND],
      not_found: [404, GrpcStatus.NOT_FOUND],
      idempotency_key_reused: [409, GrpcStatus.FAILED_PRECONDITION],
      rate_limited: [429, GrpcStatus.RESOURCE_EXHAUSTED],
      stream_overflow: [429, GrpcStatus.RESOURCE_EXHAUSTED],
      bus_unavailable: [503, GrpcStatus.UNAVAILABLE],
      internal: [500, GrpcStatus.INTERNAL],
    });
  });

  it('includes every common HTTP-layer code with the same status (the filter answers those)', () => {
    for (const [code, common] of Object.entries(COMMON_HTTP_PROBLEMS)) {
      expect([code, PROBLEMS[code as keyof typeof PROBLEMS]?.status]).toEqual([
        code,
        common.status,
      ]);
    }
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

describe('the error codes are documented', () => {
  const document = loadOpenApiDocument() as unknown as {
    components: { schemas: Record<string, { properties: Record<string, { enum?: string[] }> }> };
  };
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

  it('every problem code in openapi.yaml (Problem.code) and in the README', () => {
    expect(document.components.schemas.Problem.properties.code.enum).toEqual(Object.keys(PROBLEMS));
    for (const code of Object.keys(PROBLEMS))
      expect([code, readme.includes(`\`${code}\``)]).toEqual([code, true]);
  });

  it('every field error code in openapi.yaml (FieldError.code) and in the README', () => {
    expect(document.components.schemas.FieldError.properties.code.enum).toEqual([
      ...FIELD_ERROR_CODES,
    ]);
    for (const code of FIELD_ERROR_CODES)
      expect([code, readme.includes(`\`${code}\``)]).toEqual([code, true]);
  });
});

describe('rate_limited over gRPC', () => {
  it('carries the delay in a trailer', () => {
    const status = grpcStatusOf(new ProblemError('rate_limited', 'slow down', undefined, 1_234.5));
    expect(status.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(status.metadata.get(GRPC_RETRY_AFTER_TRAILER)).toEqual(['1235']);
  });
});
