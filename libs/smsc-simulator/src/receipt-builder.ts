import {
  EsmClass,
  encodeGsm7,
  formatReceiptText,
  gsm7SeptetCost,
  messageStateFromState,
  stateFromStat,
  type ReceiptStat,
} from '@tuxhat/smpp';
import type { DeliverSmFields } from './esme-connection';

export interface ReceiptInput {
  messageId: string;
  /** The id as the text should spell it (see receiptTextId). */
  textId: string;
  /** Original submit's addresses: the receipt travels back from destination to source. */
  sourceAddr: string;
  destinationAddr: string;
  text: string | undefined;
  stat: ReceiptStat;
  submitDate: Date;
  doneDate: Date;
  /** Add the receipted_message_id and message_state TLVs (false: the text alone). */
  tlvs: boolean;
}

/**
 * A delivery receipt deliver_sm (SMPP 3.4 §4.6.1 with esm_class 0x04): the Appendix B text
 * and, unless `tlvs` is false, the receipted_message_id (§5.3.2.12) and message_state
 * (§5.3.2.35) TLVs, so the gateway can be tested against carriers that send either.
 */
export function buildReceiptDeliverSm(input: ReceiptInput): DeliverSmFields {
  const text = formatReceiptText({
    id: input.textId,
    submitDate: input.submitDate,
    doneDate: input.doneDate,
    stat: input.stat,
    err: input.stat === 'DELIVRD' || input.stat === 'ACCEPTD' || input.stat === 'ENROUTE' ? 0 : 1,
    text: gsmSafe(input.text ?? ''),
  });
  return {
    sourceAddr: input.destinationAddr,
    destinationAddr: input.sourceAddr,
    esmClass: EsmClass.MC_DELIVERY_RECEIPT,
    dataCoding: 0x00,
    shortMessage: encodeGsm7(text),
    ...(input.tlvs
      ? {
          receiptedMessageId: input.messageId,
          messageState: messageStateFromState(stateFromStat(input.stat)),
        }
      : {}),
  };
}

/** The receipt text is sent in the GSM alphabet; characters it cannot carry become '?'. */
function gsmSafe(text: string): string {
  return Array.from(text, (char) => (gsm7SeptetCost(char) === undefined ? '?' : char)).join('');
}
