import { createHash } from 'node:crypto';

import type { MessageFields } from '@tuxhat/contracts';
import { Gsm7EncodingError, type SplitMessage, splitMessage } from '@tuxhat/smpp';

/**
 * The 8-bit concatenation reference (3GPP TS 23.040 §9.2.3.24.1) of a message: derived from
 * its id, so a retried or replayed submit carries the same reference and a handset that already
 * holds some parts reassembles them with the resent ones.
 */
export function concatReferenceFor(messageId: string): number {
  return createHash('sha256').update(messageId).digest()[0] ?? 0;
}

/**
 * Encodes and splits a message's text into submit_sm short messages with the encoding ingress
 * chose (and billed parts for). Text that GSM-7 cannot carry after all goes as UCS-2 rather
 * than not at all; `encoding` says which was used. Throws MessageTooLongError past 255 parts.
 */
export function splitForSubmit(
  message: Pick<MessageFields, 'messageId' | 'text' | 'encoding'>,
): SplitMessage {
  const reference = concatReferenceFor(message.messageId);
  try {
    return splitMessage(message.text, { encoding: message.encoding, reference });
  } catch (error) {
    if (!(error instanceof Gsm7EncodingError)) throw error;
    return splitMessage(message.text, { encoding: 'ucs2', reference });
  }
}
