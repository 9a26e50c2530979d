/** message_state TLV values (SMPP 3.4 §5.2.28, used by the TLV of §5.3.2.35). */
export const MessageState = {
  ENROUTE: 1,
  DELIVERED: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIVERABLE: 5,
  ACCEPTED: 6,
  UNKNOWN: 7,
  REJECTED: 8,
} as const;

export type MessageStateValue = (typeof MessageState)[keyof typeof MessageState];
