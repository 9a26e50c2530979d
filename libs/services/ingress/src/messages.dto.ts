import type { MessageStatus, PriorityClass } from '@tuxhat/contracts';
import type { Message, MessageStatusEvent } from '@tuxhat/database';

import type { FieldError, ProblemCode } from './problem';

/** The answer to one accepted message (POST /v1/messages, a batch item, gRPC Submit). */
export interface SubmitMessageResponse {
  readonly id: string;
  readonly status: 'accepted';
  readonly encoding: 'gsm7' | 'ucs2';
  readonly parts: number;
}

/** One item of a batch answer, in the order of the request. */
export type BatchItemResult =
  | ({ readonly index: number } & SubmitMessageResponse)
  | {
      readonly index: number;
      readonly status: 'rejected';
      readonly code: ProblemCode;
      readonly detail: string;
      readonly errors?: readonly FieldError[];
    };

export interface SubmitBatchResponse {
  readonly accepted: number;
  readonly rejected: number;
  readonly results: readonly BatchItemResult[];
}

export interface StatusChangeView {
  readonly status: MessageStatus;
  /** RFC 3339. */
  readonly at: string;
  readonly detail: string | null;
  readonly source: string;
  /** Machine-readable: a policy reason (`quota-exceeded`), a carrier's or a receipt's code. */
  readonly errorCode: string | null;
}

/** A message as its tenant sees it. The text is deliberately absent: it may hold an OTP. */
export interface MessageSummaryView {
  readonly id: string;
  readonly to: string;
  readonly from: string;
  readonly status: MessageStatus;
  readonly statusDetail: string | null;
  /** Machine-readable: the current status's errorCode (its history entry's). */
  readonly statusErrorCode: string | null;
  readonly encoding: string;
  readonly parts: number;
  readonly clientReference: string | null;
  readonly priority: PriorityClass;
  readonly validUntil: string | null;
  readonly scheduledAt: string | null;
  readonly callbackUrl: string | null;
  readonly metadata: Readonly<Record<string, string>> | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** GET /v1/messages/{id}: the message with its status history. */
export interface MessageView extends MessageSummaryView {
  readonly history: readonly StatusChangeView[];
}

/** GET /v1/messages: a page, newest first, and the cursor of the next one (null: the end). */
export interface MessagePageView {
  readonly items: readonly MessageSummaryView[];
  readonly nextCursor: string | null;
}

export function toSummaryView(message: Message): MessageSummaryView {
  return {
    id: message.id,
    to: message.destination,
    from: message.source,
    status: message.status,
    statusDetail: message.statusDetail,
    statusErrorCode: message.statusErrorCode,
    encoding: message.encoding,
    parts: message.parts,
    clientReference: message.clientReference,
    priority: message.priority as PriorityClass,
    validUntil: message.validUntil?.toISOString() ?? null,
    scheduledAt: message.scheduledAt?.toISOString() ?? null,
    callbackUrl: message.callbackUrl,
    metadata: (message.metadata as Record<string, string> | null) ?? null,
    createdAt: message.createdAt.toISOString(),
    updatedAt: message.updatedAt.toISOString(),
  };
}

export function toMessageView(
  message: Message & { readonly statusEvents: readonly MessageStatusEvent[] },
): MessageView {
  const history = message.statusEvents.map((event) => ({
    status: event.status,
    at: event.occurredAt.toISOString(),
    detail: event.detail,
    source: event.source,
    errorCode: event.errorCode,
  }));
  return {
    ...toSummaryView(message),
    // A message projected before messages.status_error_code existed has its code in the history.
    statusErrorCode: message.statusErrorCode ?? currentChange(history, message)?.errorCode ?? null,
    history,
  };
}

/**
 * The history entry that set the message's current status: the projector copies its status and
 * detail to the message, so the last entry with both.
 */
function currentChange(
  history: readonly StatusChangeView[],
  message: Pick<Message, 'status' | 'statusDetail'>,
): StatusChangeView | undefined {
  return history.findLast(
    (change) => change.status === message.status && change.detail === message.statusDetail,
  );
}
