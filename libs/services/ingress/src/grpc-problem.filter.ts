import { Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { Metadata, type StatusObject } from '@grpc/grpc-js';
import { describeError } from '@tuxhat/messaging';
import { type Observable, throwError } from 'rxjs';

import { INTERNAL_DETAIL, ProblemError } from './problem';

/** Trailer carrying the machine-readable error code (the same codes as the REST API). */
export const GRPC_ERROR_CODE_TRAILER = 'tuxhat-error-code';
/** Trailer listing rejected fields as `field=code` pairs, comma separated (validation_failed). */
export const GRPC_FIELD_ERRORS_TRAILER = 'tuxhat-field-errors';
/** Trailer with the milliseconds to wait before retrying (rate_limited), as REST's Retry-After. */
export const GRPC_RETRY_AFTER_TRAILER = 'tuxhat-retry-after-ms';

/** A ProblemError as the gRPC status the server sends, with our code in the trailers. */
export function grpcStatusOf(problem: ProblemError): StatusObject {
  const metadata = new Metadata();
  metadata.set(GRPC_ERROR_CODE_TRAILER, problem.code);
  if (problem.errors && problem.errors.length > 0) {
    metadata.set(
      GRPC_FIELD_ERRORS_TRAILER,
      problem.errors.map((error) => `${error.field}=${error.code}`).join(','),
    );
  }
  if (problem.retryAfterMs !== undefined) {
    metadata.set(GRPC_RETRY_AFTER_TRAILER, String(Math.max(1, Math.ceil(problem.retryAfterMs))));
  }
  return { code: problem.grpcStatus, details: problem.detail, metadata };
}

/**
 * Every error of the gRPC controller as a gRPC status (UNAUTHENTICATED, PERMISSION_DENIED,
 * INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, RESOURCE_EXHAUSTED, UNAVAILABLE, INTERNAL).
 * Nest's default would turn everything into UNKNOWN "Internal server error".
 */
@Catch()
export class GrpcProblemFilter implements RpcExceptionFilter<unknown, never> {
  private readonly logger = new Logger(GrpcProblemFilter.name);

  catch(exception: unknown): Observable<never> {
    return throwError(() => grpcErrorStatus(exception, this.logger));
  }
}

/** The gRPC status of any error: a ProblemError's own, anything else INTERNAL (and logged). */
export function grpcErrorStatus(exception: unknown, logger: Logger): StatusObject {
  if (exception instanceof ProblemError) return grpcStatusOf(exception);
  logger.error(`unhandled error: ${describeError(exception)}`);
  return grpcStatusOf(new ProblemError('internal', INTERNAL_DETAIL));
}
