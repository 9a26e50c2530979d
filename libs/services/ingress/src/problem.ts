import { status as GrpcStatus } from '@grpc/grpc-js';

/**
 * Every error the tenant API answers, by its stable machine-readable code. These codes are a
 * wire contract with tenants' applications (they switch on `code`, not on titles or HTTP
 * statuses): add new ones, never rename or reuse one.
 */
export const PROBLEMS = {
  unauthorized: { status: 401, title: 'Unauthorized', grpc: GrpcStatus.UNAUTHENTICATED },
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
  unsupported_media_type: {
    status: 415,
    title: 'Unsupported media type',
    grpc: GrpcStatus.INVALID_ARGUMENT,
  },
  message_not_found: { status: 404, title: 'Message not found', grpc: GrpcStatus.NOT_FOUND },
  not_found: { status: 404, title: 'Not found', grpc: GrpcStatus.NOT_FOUND },
  bus_unavailable: {
    status: 503,
    title: 'Service unavailable',
    grpc: GrpcStatus.UNAVAILABLE,
  },
  internal: { status: 500, title: 'Internal error', grpc: GrpcStatus.INTERNAL },
} as const satisfies Record<string, { status: number; title: string; grpc: GrpcStatus }>;

export type ProblemCode = keyof typeof PROBLEMS;

/** One reason a field was rejected; `code` is stable (e.g. `to_invalid`), `message` is for humans. */
export interface FieldError {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

/** The application/problem+json body (RFC 9457) with our stable `code`. */
export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: ProblemCode;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
}

/**
 * A failure the tenant is told about, independent of the protocol: the REST filter turns it
 * into problem+json, the gRPC filter into a status with the code in the trailers. The service
 * throws only these (anything else is a bug and answers `internal` without details).
 */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';

  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly errors?: readonly FieldError[],
  ) {
    super(`${code}: ${detail}`);
  }

  get status(): number {
    return PROBLEMS[this.code].status;
  }

  get grpcStatus(): GrpcStatus {
    return PROBLEMS[this.code].grpc;
  }

  toDocument(): ProblemDocument {
    const { status, title } = PROBLEMS[this.code];
    return {
      type: problemType(this.code),
      title,
      status,
      code: this.code,
      detail: this.detail,
      ...(this.errors && this.errors.length > 0 ? { errors: this.errors } : {}),
    };
  }
}

/**
 * The problem `type` URI. A URN rather than a documentation URL: it is stable and does not
 * pretend to resolve to a page that does not exist yet.
 */
export function problemType(code: ProblemCode): string {
  return `urn:tuxhat:problem:${code}`;
}

export const INTERNAL_DETAIL = 'an internal error occurred; it has been logged';
