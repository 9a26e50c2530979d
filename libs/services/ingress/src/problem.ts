import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  type FieldError,
  HttpProblem,
  type ProblemDocument as HttpProblemDocument,
  type ProblemDefinition,
} from '@tuxhat/http-problem';

/**
 * Every error the tenant API answers, by its stable machine-readable code. These codes are a
 * wire contract with tenants' applications (they switch on `code`, not on titles or HTTP
 * statuses): add new ones, never rename or reuse one. Each is documented in openapi.yaml and
 * the README (a unit test checks both).
 */
export const PROBLEMS = {
  unauthorized: { status: 401, title: 'Unauthorized', grpc: GrpcStatus.UNAUTHENTICATED },
  insufficient_scope: {
    status: 403,
    title: 'Insufficient scope',
    grpc: GrpcStatus.PERMISSION_DENIED,
  },
  malformed_json: { status: 400, title: 'Malformed JSON', grpc: GrpcStatus.INVALID_ARGUMENT },
  validation_failed: {
    status: 400,
    title: 'Validation failed',
    grpc: GrpcStatus.INVALID_ARGUMENT,
  },
  bad_request: { status: 400, title: 'Bad request', grpc: GrpcStatus.INVALID_ARGUMENT },
  payload_too_large: {
    status: 413,
    title: 'Payload too large',
    grpc: GrpcStatus.RESOURCE_EXHAUSTED,
  },
  batch_too_large: { status: 413, title: 'Batch too large', grpc: GrpcStatus.INVALID_ARGUMENT },
  unsupported_media_type: {
    status: 415,
    title: 'Unsupported media type',
    grpc: GrpcStatus.INVALID_ARGUMENT,
  },
  message_not_found: { status: 404, title: 'Message not found', grpc: GrpcStatus.NOT_FOUND },
  not_found: { status: 404, title: 'Not found', grpc: GrpcStatus.NOT_FOUND },
  idempotency_key_reused: {
    status: 409,
    title: 'Idempotency key reused',
    grpc: GrpcStatus.FAILED_PRECONDITION,
  },
  rate_limited: { status: 429, title: 'Rate limited', grpc: GrpcStatus.RESOURCE_EXHAUSTED },
  stream_overflow: {
    status: 429,
    title: 'Stream overflow',
    grpc: GrpcStatus.RESOURCE_EXHAUSTED,
  },
  bus_unavailable: {
    status: 503,
    title: 'Service unavailable',
    grpc: GrpcStatus.UNAVAILABLE,
  },
  internal: { status: 500, title: 'Internal error', grpc: GrpcStatus.INTERNAL },
} as const satisfies Record<string, { status: number; title: string; grpc: GrpcStatus }>;

export type ProblemCode = keyof typeof PROBLEMS;

export type { FieldError } from '@tuxhat/http-problem';

/** The application/problem+json body (RFC 9457) with our stable `code`. */
export type ProblemDocument = HttpProblemDocument<ProblemCode>;

/**
 * A failure the tenant is told about, independent of the protocol: the REST filter
 * (IngressProblemFilter over @tuxhat/http-problem) turns it into problem+json, the gRPC filter
 * into a status with the code in the trailers. The service throws only these (anything else is
 * a bug and answers `internal` without details).
 */
export class ProblemError extends HttpProblem<ProblemCode> {
  override readonly name = 'ProblemError';

  constructor(
    code: ProblemCode,
    detail: string,
    errors?: readonly FieldError[],
    /** When to try again (rate_limited): REST `Retry-After`, gRPC `tuxhat-retry-after-ms`. */
    readonly retryAfterMs?: number,
  ) {
    super(code, detail, errors);
  }

  protected get definition(): ProblemDefinition {
    return PROBLEMS[this.code];
  }

  get grpcStatus(): GrpcStatus {
    return PROBLEMS[this.code].grpc;
  }
}

export { INTERNAL_DETAIL, problemType } from '@tuxhat/http-problem';
