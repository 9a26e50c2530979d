import { Controller, UseFilters } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { GrpcMethod } from '@nestjs/microservices';

import { ApiKeyAuthenticator } from './api-key-authenticator';
import { GrpcProblemFilter } from './grpc-problem.filter';
import type { MessageView, SubmitMessageResponse } from './messages.dto';
import { MessagesService } from './messages.service';

/** sms.v1.SubmitRequest as proto-loader decodes it (camelCase, defaults not filled in). */
interface SubmitRequest {
  readonly to?: string;
  readonly from?: string;
  readonly text?: string;
  readonly clientReference?: string;
}

interface GetRequest {
  readonly id?: string;
}

/** sms.v1.Message: proto3 strings cannot be null. */
interface GrpcMessage extends Omit<MessageView, 'clientReference' | 'history'> {
  readonly clientReference: string;
  readonly history: { status: string; at: string; detail: string; source: string }[];
}

/** gRPC tenant API (sms.v1.Messages): the same service as REST, authenticated by metadata. */
@Controller()
@UseFilters(GrpcProblemFilter)
export class MessagesGrpcController {
  constructor(
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly messages: MessagesService,
  ) {}

  @GrpcMethod('Messages', 'Submit')
  async submit(request: SubmitRequest, metadata: Metadata): Promise<SubmitMessageResponse> {
    const caller = await this.authenticator.authenticate(authorizationOf(metadata));
    return this.messages.submit(caller, submission(request), 'gRPC');
  }

  @GrpcMethod('Messages', 'Get')
  async get(request: GetRequest, metadata: Metadata): Promise<GrpcMessage> {
    const caller = await this.authenticator.authenticate(authorizationOf(metadata));
    const message = await this.messages.get(caller, request.id ?? '');
    return {
      ...message,
      clientReference: message.clientReference ?? '',
      history: message.history.map((change) => ({ ...change, detail: change.detail ?? '' })),
    };
  }
}

/**
 * In proto3 an empty string and an absent field are the same value (and clients differ in
 * whether they send it): both count as not given.
 */
function submission(request: SubmitRequest): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of ['to', 'from', 'text', 'clientReference'] as const) {
    const value = request[name];
    if (value !== undefined && value !== '') fields[name] = value;
  }
  return fields;
}

function authorizationOf(metadata: Metadata): string | undefined {
  const [value] = metadata.get('authorization');
  return typeof value === 'string' ? value : undefined;
}
