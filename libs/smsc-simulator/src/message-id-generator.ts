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

/**
 * The id as the receipt text writes it. 'decimal' reproduces the common carrier quirk of a
 * hex id in submit_sm_resp and the same number in decimal in the receipt text.
 */
export function receiptTextId(
  messageId: string,
  format: MessageIdFormat,
  textIdFormat: 'same' | 'decimal',
): string {
  if (textIdFormat === 'decimal' && format === 'hex') return BigInt(`0x${messageId}`).toString(10);
  return messageId;
}
