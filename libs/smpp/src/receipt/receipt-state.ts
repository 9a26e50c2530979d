import { MessageState } from '../protocol/message-state';

/** Normalised state of a message as a receipt reports it. */
export type ReceiptState =
  | 'enroute'
  | 'delivered'
  | 'expired'
  | 'deleted'
  | 'undeliverable'
  | 'accepted'
  | 'unknown'
  | 'rejected';

/** The stat values of SMPP 3.4 Appendix B (Table B-2), 7 characters each. */
export type ReceiptStat =
  'ENROUTE' | 'DELIVRD' | 'EXPIRED' | 'DELETED' | 'UNDELIV' | 'ACCEPTD' | 'UNKNOWN' | 'REJECTD';

export const RECEIPT_STATS: readonly ReceiptStat[] = [
  'ENROUTE',
  'DELIVRD',
  'EXPIRED',
  'DELETED',
  'UNDELIV',
  'ACCEPTD',
  'UNKNOWN',
  'REJECTD',
];

const STATE_BY_STAT: Readonly<Record<ReceiptStat, ReceiptState>> = {
  ENROUTE: 'enroute',
  DELIVRD: 'delivered',
  EXPIRED: 'expired',
  DELETED: 'deleted',
  UNDELIV: 'undeliverable',
  ACCEPTD: 'accepted',
  UNKNOWN: 'unknown',
  REJECTD: 'rejected',
};

/** Spellings carriers use besides Appendix B's abbreviations. */
const STAT_ALIASES: Readonly<Record<string, ReceiptState>> = {
  DELIVERED: 'delivered',
  UNDELIVERED: 'undeliverable',
  UNDELIVERABLE: 'undeliverable',
  ACCEPTED: 'accepted',
  REJECTED: 'rejected',
};

const STAT_BY_STATE: Readonly<Record<ReceiptState, ReceiptStat>> = {
  enroute: 'ENROUTE',
  delivered: 'DELIVRD',
  expired: 'EXPIRED',
  deleted: 'DELETED',
  undeliverable: 'UNDELIV',
  accepted: 'ACCEPTD',
  unknown: 'UNKNOWN',
  rejected: 'REJECTD',
};

const STATE_BY_MESSAGE_STATE: ReadonlyMap<number, ReceiptState> = new Map([
  [MessageState.ENROUTE, 'enroute'],
  [MessageState.DELIVERED, 'delivered'],
  [MessageState.EXPIRED, 'expired'],
  [MessageState.DELETED, 'deleted'],
  [MessageState.UNDELIVERABLE, 'undeliverable'],
  [MessageState.ACCEPTED, 'accepted'],
  [MessageState.UNKNOWN, 'unknown'],
  [MessageState.REJECTED, 'rejected'],
]);

const MESSAGE_STATE_BY_STATE: Readonly<Record<ReceiptState, number>> = {
  enroute: MessageState.ENROUTE,
  delivered: MessageState.DELIVERED,
  expired: MessageState.EXPIRED,
  deleted: MessageState.DELETED,
  undeliverable: MessageState.UNDELIVERABLE,
  accepted: MessageState.ACCEPTED,
  unknown: MessageState.UNKNOWN,
  rejected: MessageState.REJECTED,
};

export function isReceiptStat(value: string): value is ReceiptStat {
  return (RECEIPT_STATS as readonly string[]).includes(value);
}

/** State of a receipt's stat text, case-insensitive; anything unrecognised is 'unknown'. */
export function stateFromStat(stat: string): ReceiptState {
  const upper = stat.trim().toUpperCase();
  if (isReceiptStat(upper)) return STATE_BY_STAT[upper];
  return STAT_ALIASES[upper] ?? 'unknown';
}

export function statFromState(state: ReceiptState): ReceiptStat {
  return STAT_BY_STATE[state];
}

/** State of a message_state TLV value (SMPP 3.4 §5.2.28); undefined for values 3.4 does not define. */
export function stateFromMessageState(messageState: number): ReceiptState | undefined {
  return STATE_BY_MESSAGE_STATE.get(messageState);
}

export function messageStateFromState(state: ReceiptState): number {
  return MESSAGE_STATE_BY_STATE[state];
}

/** Every state but ENROUTE is final in SMPP 3.4 §5.2.28: no further receipt is expected. */
export function isFinalState(state: ReceiptState): boolean {
  return state !== 'enroute';
}
