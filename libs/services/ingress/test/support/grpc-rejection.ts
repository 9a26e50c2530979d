import type { ServiceError } from '@grpc/grpc-js';

/** The rejection of a gRPC call, with the code and trailer a tenant's client would read. */
export async function rejection(call: Promise<unknown>): Promise<{
  code: number;
  errorCode: unknown;
  fieldErrors: unknown;
  retryAfterMs: unknown;
  details: string;
}> {
  try {
    await call;
  } catch (error) {
    const serviceError = error as ServiceError;
    return {
      code: serviceError.code,
      errorCode: serviceError.metadata.get('tuxhat-error-code')[0],
      fieldErrors: serviceError.metadata.get('tuxhat-field-errors')[0],
      retryAfterMs: serviceError.metadata.get('tuxhat-retry-after-ms')[0],
      details: serviceError.details,
    };
  }
  throw new Error('the call succeeded');
}
