import type { MessageStatus, ReceiptState } from '@tuxhat/contracts';

/** Every receipt state and the message status it must produce. */
export const RECEIPT_STATES: readonly [ReceiptState, MessageStatus][] = [
  ['delivered', 'delivered'],
  ['undeliverable', 'undeliverable'],
  ['expired', 'expired'],
  ['rejected', 'rejected'],
  ['deleted', 'failed'],
  ['unknown', 'unknown'],
  ['enroute', 'sent'],
  ['accepted', 'sent'],
];
