import { Controller, UseFilters, UseInterceptors } from '@nestjs/common';
import { Metadata, type ServerUnaryCall, type ServerWritableStream } from '@grpc/grpc-js';
import { GrpcMethod } from '@nestjs/microservices';
import { RequestTracingInterceptor } from '@tuxhat/observability';
import { Observable } from 'rxjs';

import { grpcClientCertificateOf } from './client-certificate';
import { GrpcProblemFilter } from './grpc-problem.filter';
import { parseIdempotencyKey } from './idempotency';
import {
  type GrpcListRequest,
  type GrpcSubmitRequest,
  grpcBatchResponse,
  grpcMessage,
  grpcStatusEvent,
  grpcUsage,
  listQueryInput,
  submissionInput,
} from './messages.grpc-mapping';
import type { SubmitMessageResponse } from './messages.dto';
import { MessagesService, type SubmitOutcome } from './messages.service';
import { ProblemError } from './problem';
import { StatusStreamHub } from './status-stream.hub';
import { type Credentials, TenantAuthenticator } from './tenant-authenticator';
import { UsageService } from './usage.service';

/** Events a slow stream reader may have queued before its stream is ended (stream_overflow). */
export const MAX_STREAM_BACKLOG = 10_000;

type UnaryCall = ServerUnaryCall<unknown, unknown>;

/**
 * gRPC tenant API (sms.v1.Messages): the same service as REST, authenticated by metadata (or the
 * connection's client certificate), with the same scopes, idempotency and error codes.
 */
@Controller()
@UseFilters(GrpcProblemFilter)
@UseInterceptors(RequestTracingInterceptor)
export class MessagesGrpcController {
  constructor(
    private readonly authenticator: TenantAuthenticator,
    private readonly messages: MessagesService,
    private readonly usage: UsageService,
    private readonly streams: StatusStreamHub,
  ) {}

  @GrpcMethod('Messages', 'Submit')
  async submit(
    request: GrpcSubmitRequest,
    metadata: Metadata,
    call: UnaryCall,
  ): Promise<SubmitMessageResponse> {
    const caller = this.authenticator.authorize(credentialsOf(metadata, call), 'send');
    const outcome = await this.messages.submit(caller, submissionInput(request), {
      channel: 'gRPC',
      idempotencyKey: idempotencyKeyOf(metadata),
    });
    return answer(outcome, call);
  }

  @GrpcMethod('Messages', 'SubmitBatch')
  async submitBatch(
    request: { readonly messages?: readonly GrpcSubmitRequest[] },
    metadata: Metadata,
    call: UnaryCall,
  ): Promise<ReturnType<typeof grpcBatchResponse>> {
    const caller = this.authenticator.authorize(credentialsOf(metadata, call), 'send');
    const outcome = await this.messages.submitBatch(
      caller,
      { messages: (request.messages ?? []).map(submissionInput) },
      { channel: 'gRPC', idempotencyKey: idempotencyKeyOf(metadata) },
    );
    return grpcBatchResponse(answer(outcome, call));
  }

  @GrpcMethod('Messages', 'Get')
  async get(request: { readonly id?: string }, metadata: Metadata, call: UnaryCall) {
    const caller = this.authenticator.authorize(credentialsOf(metadata, call), 'read');
    return grpcMessage(await this.messages.get(caller, request.id ?? ''));
  }

  @GrpcMethod('Messages', 'List')
  async list(request: GrpcListRequest, metadata: Metadata, call: UnaryCall) {
    const caller = this.authenticator.authorize(credentialsOf(metadata, call), 'read');
    const page = await this.messages.list(caller, listQueryInput(request));
    return { items: page.items.map(grpcMessage), nextCursor: page.nextCursor ?? '' };
  }

  @GrpcMethod('Messages', 'GetUsage')
  async getUsage(request: { readonly month?: string }, metadata: Metadata, call: UnaryCall) {
    const caller = this.authenticator.authorize(credentialsOf(metadata, call), 'read');
    const query = request.month ? { month: request.month } : {};
    return grpcUsage(await this.usage.usage(caller, query));
  }

  /**
   * The calling tenant's status events as the projector writes them, until the client cancels
   * or the service closes. Events are written straight to the call (so the backlog of a slow
   * reader is visible and bounded); the returned observable only says when the stream ends.
   * Response headers go out at once, so a client knows the stream is live.
   */
  @GrpcMethod('Messages', 'StreamStatus')
  streamStatus(
    _request: unknown,
    metadata: Metadata,
    call: ServerWritableStream<unknown, unknown>,
  ): Observable<never> {
    const caller = this.authenticator.authorize(credentialsOf(metadata, call), 'read');
    return new Observable<never>((subscriber) => {
      const unsubscribe = this.streams.subscribe(caller.tenantId, {
        next: (event) => {
          if (call.writableLength >= MAX_STREAM_BACKLOG) {
            unsubscribe();
            subscriber.error(
              new ProblemError(
                'stream_overflow',
                `the client fell ${MAX_STREAM_BACKLOG} events behind; reconnect and read the history with List`,
              ),
            );
            return;
          }
          call.write(grpcStatusEvent(event));
        },
        end: () => subscriber.complete(),
      });
      call.sendMetadata(new Metadata());
      return unsubscribe;
    });
  }
}

/** The stored answer; a replay says so in the response headers (`idempotent-replayed: true`). */
function answer<Body>(outcome: SubmitOutcome<Body>, call: UnaryCall): Body {
  if (outcome.replayed) {
    const headers = new Metadata();
    headers.set('idempotent-replayed', 'true');
    call.sendMetadata(headers);
  }
  return outcome.response.body;
}

function credentialsOf(metadata: Metadata, call: Pick<UnaryCall, 'getAuthContext'>): Credentials {
  const [value] = metadata.get('authorization');
  return {
    authorization: typeof value === 'string' ? value : undefined,
    clientCertificate: () => grpcClientCertificateOf(call),
  };
}

function idempotencyKeyOf(metadata: Metadata): string | undefined {
  const values = metadata.get('idempotency-key');
  if (values.length === 0) return undefined;
  return parseIdempotencyKey(
    values.length === 1 && typeof values[0] === 'string' ? values[0] : values.map(String),
  );
}
