import { randomInt, randomUUID } from 'node:crypto';

/** How the simulator spells the message_id of submit_sm_resp (SMPP 3.4 §4.4.2: up to 64 characters, SMSC-defined). */
export type MessageIdFormat = 'hex' | 'decimal' | 'uuid';

/**
 * Allocates message ids. Counters start at a random point so that ids from an earlier run of
 * the simulator do not collide with new ones in a gateway database that outlived it.
 */
export class MessageIdGenerator {
  private counter: number;

  constructor(private readonly format: MessageIdFormat) {
    this.counter = randomInt(0x1000_0000, 0x7fff_ffff);
  }

  next(): string {
    switch (this.format) {
      case 'uuid':
        return randomUUID();
      case 'hex':
        return (this.counter++).toString(16).toUpperCase();
      case 'decimal':
        return String(this.counter++);
    }
  }
}

/** How the receipt text spells the id of submit_sm_resp. */
export type ReceiptTextIdFormat = 'same' | 'decimal' | 'padded';

/** The width 'padded' zero-fills the receipt text's id to. */
export const PADDED_TEXT_ID_LENGTH = 20;

/**
 * The id as the receipt text writes it. Two common carrier quirks: 'decimal', a hex id in
 * submit_sm_resp and the same number in decimal in the receipt text; 'padded', the id
 * zero-filled to a fixed width (e.g. "1A2B3C" as "000000000000001A2B3C").
 */
export function receiptTextId(
  messageId: string,
  format: MessageIdFormat,
  textIdFormat: ReceiptTextIdFormat,
): string {
  if (textIdFormat === 'decimal' && format === 'hex') return BigInt(`0x${messageId}`).toString(10);
  if (textIdFormat === 'padded') return messageId.padStart(PADDED_TEXT_ID_LENGTH, '0');
  return messageId;
}
