import type { SmsStatusEvent } from '@tuxhat/contracts';

import type { RawQuery } from './list-query.validation';
import type {
  BatchItemResult,
  MessageSummaryView,
  MessageView,
  SubmitBatchResponse,
} from './messages.dto';
import type { UsageView } from './usage.service';

/** sms.v1.SubmitRequest as proto-loader decodes it (camelCase, defaults not filled in). */
export interface GrpcSubmitRequest {
  readonly to?: string;
  readonly from?: string;
  readonly text?: string;
  readonly clientReference?: string;
  readonly priority?: string;
  readonly validityPeriod?: number;
  readonly validUntil?: string;
  readonly scheduledAt?: string;
  readonly callbackUrl?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface GrpcListRequest {
  readonly status?: readonly string[];
  readonly to?: string;
  readonly from?: string;
  readonly since?: string;
  readonly until?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

const STRING_FIELDS = [
  'to',
  'from',
  'text',
  'clientReference',
  'priority',
  'validUntil',
  'scheduledAt',
  'callbackUrl',
] as const;

/**
 * A gRPC submission in the REST body's shape, so both go through the same validation (and the
 * same idempotency hash). In proto3 an empty string, a 0 and an empty map are the same as not
 * given (clients differ in whether they send them): all count as absent.
 */
export function submissionInput(request: GrpcSubmitRequest): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const name of STRING_FIELDS) {
    const value = request[name];
    if (value !== undefined && value !== '') fields[name] = value;
  }
  if (request.validityPeriod !== undefined && request.validityPeriod !== 0) {
    fields.validityPeriod = request.validityPeriod;
  }
  if (request.metadata !== undefined && Object.keys(request.metadata).length > 0) {
    fields.metadata = { ...request.metadata };
  }
  return fields;
}

export function listQueryInput(request: GrpcListRequest): RawQuery {
  const query: Record<string, unknown> = {};
  if (request.status && request.status.length > 0) query.status = [...request.status];
  for (const name of ['to', 'from', 'since', 'until', 'cursor'] as const) {
    const value = request[name];
    if (value !== undefined && value !== '') query[name] = value;
  }
  if (request.limit !== undefined && request.limit !== 0) query.limit = String(request.limit);
  return query;
}

/** sms.v1.Message: proto3 strings cannot be null. */
export function grpcMessage(message: MessageSummaryView | MessageView) {
  return {
    id: message.id,
    to: message.to,
    from: message.from,
    status: message.status,
    statusDetail: message.statusDetail ?? '',
    encoding: message.encoding,
    parts: message.parts,
    clientReference: message.clientReference ?? '',
    priority: message.priority,
    validUntil: message.validUntil ?? '',
    scheduledAt: message.scheduledAt ?? '',
    callbackUrl: message.callbackUrl ?? '',
    metadata: { ...(message.metadata ?? {}) },
    createdAt: message.createdAt,
    updatedAt: message.updatedAt,
    statusErrorCode: message.statusErrorCode ?? '',
    history:
      'history' in message
        ? message.history.map((change) => ({
            ...change,
            detail: change.detail ?? '',
            errorCode: change.errorCode ?? '',
          }))
        : [],
  };
}

export function grpcBatchResponse(response: SubmitBatchResponse) {
  return {
    accepted: response.accepted,
    rejected: response.rejected,
    results: response.results.map((result: BatchItemResult) =>
      result.status === 'accepted'
        ? { ...result, code: '', detail: '', errors: [] }
        : { ...result, id: '', encoding: '', parts: 0, errors: result.errors ?? [] },
    ),
  };
}

export function grpcStatusEvent(event: SmsStatusEvent) {
  return {
    eventId: event.eventId,
    messageId: event.messageId,
    status: event.status,
    detail: event.detail ?? '',
    source: event.source,
    occurredAt: event.occurredAt,
    carrierId: event.carrierId ?? '',
    errorCode: event.errorCode ?? '',
  };
}

export function grpcUsage(usage: UsageView) {
  const limit = (value: number | null | undefined) => value ?? -1;
  return {
    month: usage.month,
    timeZone: usage.timeZone,
    messages: usage.messages,
    parts: usage.parts,
    hasQuota: usage.quota !== null,
    quotaMessages: limit(usage.quota?.messages),
    quotaParts: limit(usage.quota?.parts),
    remainingMessages: limit(usage.remaining?.messages),
    remainingParts: limit(usage.remaining?.parts),
    records: usage.records, // UsageRecords: the same field names, by_status a map
  };
}
