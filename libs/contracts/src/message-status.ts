/**
 * The states a message moves through, as the tenant sees them.
 * accepted -> routed -> sent -> delivered | undeliverable | expired | rejected | failed | unknown
 */
export const MESSAGE_STATUSES = [
  'accepted',
  'rejected',
  'routed',
  'sent',
  'delivered',
  'undeliverable',
  'expired',
  'failed',
  'unknown',
] as const;

export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const FINAL_STATUSES: ReadonlySet<MessageStatus> = new Set<MessageStatus>([
  'rejected',
  'delivered',
  'undeliverable',
  'expired',
  'failed',
  'unknown',
]);

export function isFinalStatus(status: MessageStatus): boolean {
  return FINAL_STATUSES.has(status);
}

/**
 * Events reach the status projector out of order (a receipt can overtake the carrier's
 * submit_sm_resp), so the projected status only ever moves forward by this rank.
 */
export function statusRank(status: MessageStatus): number {
  switch (status) {
    case 'accepted':
      return 0;
    case 'routed':
      return 1;
    case 'sent':
      return 2;
    case 'rejected':
    case 'delivered':
    case 'undeliverable':
    case 'expired':
    case 'failed':
    case 'unknown':
      return 9;
  }
}
