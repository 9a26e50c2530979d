import type { MessageStatus, ReceiptState } from '@tuxhat/contracts';

/** Receipt states that end a part's story on its carrier. */
export type FinalReceiptState = Exclude<ReceiptState, 'enroute' | 'accepted'>;

export function isFinalReceiptState(state: ReceiptState): state is FinalReceiptState {
  return state !== 'enroute' && state !== 'accepted';
}

/**
 * What a carrier's receipt state means for the message. `enroute` and `accepted` are
 * intermediate: the message stays `sent`. `deleted` (the SMSC deleted it) has no message
 * status of its own: it is `failed`; the raw state stays in the status detail.
 */
export function statusForReceipt(state: ReceiptState): MessageStatus {
  switch (state) {
    case 'delivered':
      return 'delivered';
    case 'undeliverable':
      return 'undeliverable';
    case 'expired':
      return 'expired';
    case 'rejected':
      return 'rejected';
    case 'deleted':
      return 'failed';
    case 'unknown':
      return 'unknown';
    case 'enroute':
    case 'accepted':
      return 'sent';
  }
}

/**
 * How bad a final part state is, for "the worst final part" of a multipart message: any
 * failure outranks delivery; a definite refusal outranks an inconclusive outcome.
 */
export function severityOf(state: FinalReceiptState): number {
  switch (state) {
    case 'delivered':
      return 0;
    case 'unknown':
      return 1;
    case 'expired':
      return 2;
    case 'deleted':
      return 3;
    case 'undeliverable':
      return 4;
    case 'rejected':
      return 5;
  }
}

/** A receipt's words for the status history: `UNDELIV err 001` (no err for 000). */
export function describeReceipt(rawState: string, errorCode?: string | null): string {
  const error = errorCode && !/^0+$/.test(errorCode) ? ` err ${errorCode}` : '';
  return `${rawState}${error}`;
}
