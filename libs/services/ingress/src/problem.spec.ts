import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  GRPC_ERROR_CODE_TRAILER,
  GRPC_FIELD_ERRORS_TRAILER,
  grpcStatusOf,
} from './grpc-problem.filter';
import { COMMON_HTTP_PROBLEMS } from '@tuxhat/http-problem';

import { PROBLEMS, ProblemError } from './problem';

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
