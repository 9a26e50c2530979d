import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';

/**
 * Nest's default RPC filter replaces every error with "Internal server error", which would
 * hide from the dispatcher whether the failure is permanent (dead-letter now) or transient
 * (retry) and what the reason was. This filter hands the original error on unchanged.
 * Install it on every bus consumer (useBusExceptionFilter / startBusConsumer do it).
 */
@Catch()
export class BusExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
