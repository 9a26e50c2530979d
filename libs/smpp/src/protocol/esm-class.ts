/**
 * esm_class bits (SMPP 3.4 §5.2.12). Bits 5..2 carry the message type on deliver_sm;
 * bit 6 is the UDH indicator on both submit_sm and deliver_sm.
 */
export const EsmClass = {
  DEFAULT: 0x00,
  /** deliver_sm carrying an SMSC delivery receipt (message type 0001). */
  MC_DELIVERY_RECEIPT: 0x04,
  /** deliver_sm carrying an intermediate delivery notification (message type 1000). */
  INTERMEDIATE_DELIVERY_NOTIFICATION: 0x20,
  /** short_message starts with a User Data Header (GSM 03.40 §9.2.3.24). */
  UDHI: 0x40,
} as const;

const MESSAGE_TYPE_MASK = 0x3c;

/** True when a deliver_sm's esm_class marks it as a receipt (final or intermediate), not an MO. */
export function isReceiptEsmClass(esmClass: number): boolean {
  const type = esmClass & MESSAGE_TYPE_MASK;
  return (
    type === EsmClass.MC_DELIVERY_RECEIPT || type === EsmClass.INTERMEDIATE_DELIVERY_NOTIFICATION
  );
}

export function hasUdh(esmClass: number): boolean {
  return (esmClass & EsmClass.UDHI) !== 0;
}
