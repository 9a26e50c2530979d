/**
 * Carrier message ids as correlation keys.
 *
 * Many SMSCs return a hex message_id in submit_sm_resp and write the same id in decimal in the
 * receipt text (SMPP 3.4 Appendix B leaves the format SMSC-specific); others pad with zeros or
 * change case. Two spellings refer to the same message when their key sets intersect.
 */
export function messageIdKeys(messageId: string): string[] {
  const trimmed = messageId.trim();
  const keys = new Set<string>([trimmed.toLowerCase()]);
  if (/^[0-9]+$/.test(trimmed)) keys.add(`#${BigInt(trimmed).toString(10)}`);
  if (/^[0-9a-f]+$/i.test(trimmed)) keys.add(`#${BigInt(`0x${trimmed}`).toString(10)}`);
  return [...keys];
}

/** Whether a receipt's id may refer to the message a submit_sm_resp named (hex/decimal/case/zero-padding tolerant). */
export function messageIdsMatch(a: string, b: string): boolean {
  const keysOfA = new Set(messageIdKeys(a));
  return messageIdKeys(b).some((key) => keysOfA.has(key));
}
