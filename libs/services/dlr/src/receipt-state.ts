import type { MessageStatus, ReceiptState } from '@tuxhat/contracts';

/**
 * What a carrier's receipt state means for the message. `enroute` and `accepted` are
 * intermediate: the message stays `sent`.
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
 * Carriers write the same id differently in submit_sm_resp and in the receipt (case,
 * surrounding blanks). Both sides go through this before they are stored or looked up.
 * Hex-versus-decimal renderings are handled with the receipt correlation work (issue 5).
 */
export function normaliseCarrierMessageId(id: string): string {
  return id.trim().toLowerCase();
}
