import { createHash } from 'node:crypto';

import type { SmppSettings } from './smpp-carrier.repository';
import type { MessageFields } from '@tuxhat/contracts';
import {
  type Alphabet,
  type SplitMessage,
  chooseAlphabet,
  maxReference,
  splitMessage,
} from '@tuxhat/smpp';

/**
 * The concatenation reference (3GPP TS 23.040 §9.2.3.24.1/.8, SMPP 3.4 §5.3.2.22) of a
 * message: derived from its id, so a retried or replayed submit carries the same reference and
 * a handset that already holds some parts reassembles them with the resent ones.
 */
export function concatReferenceFor(messageId: string, max = 0xff): number {
  const digest = createHash('sha256').update(messageId).digest();
  return max > 0xff ? digest.readUInt16BE(0) & max : (digest[0] ?? 0) & max;
}

/**
 * The alphabet a message goes out in on this carrier: the carrier's first preference that can
 * carry the text (UCS-2 when none can). With the default preference (GSM-7, then UCS-2) that is
 * exactly what ingress chose and billed parts for; a carrier that also takes Latin-1 gets
 * accented text GSM-7 lacks in 140 characters a part instead of UCS-2's 70.
 */
export function alphabetFor(
  message: Pick<MessageFields, 'text'>,
  settings: Pick<SmppSettings, 'alphabets'>,
): Alphabet {
  return chooseAlphabet(message.text, settings.alphabets);
}

/**
 * Encodes and splits a message's text into submit_sm parts the way its carrier wants them:
 * alphabet (data_coding) and long-message method from the carrier's settings. Throws
 * MessageTooLongError past 255 parts (or past what message_payload can carry).
 */
export function splitForSubmit(
  message: Pick<MessageFields, 'messageId' | 'text' | 'encoding'>,
  settings: Pick<SmppSettings, 'alphabets' | 'longMessages'>,
): SplitMessage {
  const concatenation = settings.longMessages;
  return splitMessage(message.text, {
    encoding: alphabetFor(message, settings),
    concatenation,
    // Hashed only when the text needs more than one part.
    reference: () => concatReferenceFor(message.messageId, maxReference(concatenation)),
  });
}
