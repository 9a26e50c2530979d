/**
 * registered_delivery bits 1..0: SMSC delivery receipt request (SMPP 3.4 §5.2.17).
 */
export const RegisteredDelivery = {
  NONE: 0x00,
  /** Receipt on success or failure. */
  FINAL: 0x01,
  /** Receipt on failure only. */
  FAILURE: 0x02,
} as const;

const RECEIPT_MASK = 0x03;

/** Whether the SMSC owes a receipt for a message that ended in success or failure. */
export function wantsReceipt(registeredDelivery: number, success: boolean): boolean {
  const request = registeredDelivery & RECEIPT_MASK;
  if (request === RegisteredDelivery.FINAL) return true;
  if (request === RegisteredDelivery.FAILURE) return !success;
  return false;
}
