import { decodeShortMessage } from '../encoding/short-message-decoder';
import { isReceiptEsmClass } from '../protocol/esm-class';
import { type UserDataFields, userDataOf } from '../protocol/user-data';
import { parseReceiptText } from './receipt-text';
import { stateFromMessageState, type ReceiptState } from './receipt-state';

/** The parts of a deliver_sm or data_sm a receipt is read from (SMPP 3.4 §4.6.1, §4.7.1, §5.3.2). */
export interface ReceiptSource extends UserDataFields {
  esmClass: number;
  dataCoding: number;
  /** SMPP 3.4 §5.3.2.12 receipted_message_id TLV. */
  receiptedMessageId?: string;
  /** SMPP 3.4 §5.3.2.35 message_state TLV. */
  messageState?: number;
}

export interface DeliveryReceipt {
  /** The SMSC message id the receipt is about: the TLV when present, else the text's id. */
  messageId: string;
  state: ReceiptState;
  /** Whether the id and state came from TLVs or from the text. */
  messageIdSource: 'tlv' | 'text';
  stateSource: 'tlv' | 'text';
  /** The id as written in the text, which may differ in base from the TLV's. */
  textId?: string;
  stat?: string;
  err?: string;
  sub?: number;
  dlvrd?: number;
  submitDate?: Date;
  doneDate?: Date;
  text?: string;
  /** The raw receipt text. */
  rawText?: string;
}

/**
 * Reads a delivery receipt from a deliver_sm. TLVs win over the text because they are
 * typed and standard (3.4 §5.3.2.12/§5.3.2.35) while the text is SMSC-specific (Appendix B).
 * Returns undefined when esm_class does not mark a receipt or neither source yields an id.
 */
export function readDeliveryReceipt(source: ReceiptSource): DeliveryReceipt | undefined {
  if (!isReceiptEsmClass(source.esmClass)) return undefined;
  const decoded = decodeShortMessage(userDataOf(source), source.dataCoding, source.esmClass);
  const rawText = decoded.text ?? decoded.payload.toString('latin1');
  const parsed = parseReceiptText(rawText);

  const tlvId = source.receiptedMessageId?.trim();
  const messageId = tlvId ? tlvId : parsed?.id;
  if (!messageId) return undefined;
  const tlvState =
    source.messageState === undefined ? undefined : stateFromMessageState(source.messageState);
  const state = tlvState ?? parsed?.state ?? 'unknown';

  const receipt: DeliveryReceipt = {
    messageId,
    state,
    messageIdSource: tlvId ? 'tlv' : 'text',
    stateSource: tlvState ? 'tlv' : 'text',
    rawText,
  };
  if (parsed?.id !== undefined) receipt.textId = parsed.id;
  if (parsed?.stat !== undefined) receipt.stat = parsed.stat;
  if (parsed?.err !== undefined) receipt.err = parsed.err;
  if (parsed?.sub !== undefined) receipt.sub = parsed.sub;
  if (parsed?.dlvrd !== undefined) receipt.dlvrd = parsed.dlvrd;
  if (parsed?.submitDate) receipt.submitDate = parsed.submitDate;
  if (parsed?.doneDate) receipt.doneDate = parsed.doneDate;
  if (parsed?.text !== undefined) receipt.text = parsed.text;
  return receipt;
}
