import { decodeShortMessage, sarConcatOf } from '../encoding/short-message-decoder';
import type { ConcatInfo } from '../encoding/user-data-header';
import { isReceiptEsmClass } from '../protocol/esm-class';
import { readDeliveryReceipt, type DeliveryReceipt } from '../receipt/delivery-receipt';
import type { DeliverSmPdu } from '../transport/smpp-pdu';

/** A mobile-originated message (deliver_sm whose esm_class message type is default, SMPP 3.4 §5.2.12). */
export interface MobileOriginated {
  sourceAddr: string;
  destinationAddr: string;
  dataCoding: number;
  esmClass: number;
  /** Decoded text; undefined for binary or unsupported data_coding. */
  text: string | undefined;
  /**
   * Present when the MO is one part of a concatenated message, numbered by a UDH or by the SAR
   * TLVs (SMPP 3.4 §5.3.2.22-24): reassembly is the caller's job.
   */
  concat?: ConcatInfo;
  udh?: Buffer;
  /** User data after any UDH. */
  payload: Buffer;
}

/** What the ESME client hands the deliver handler for each deliver_sm. */
export type InboundDeliver =
  | { kind: 'receipt'; receipt: DeliveryReceipt; pdu: DeliverSmPdu }
  | { kind: 'mo'; mo: MobileOriginated; pdu: DeliverSmPdu }
  /** esm_class says receipt but neither TLVs nor text yield a message id. */
  | { kind: 'unreadable-receipt'; pdu: DeliverSmPdu };

export function classifyDeliver(pdu: DeliverSmPdu): InboundDeliver {
  if (isReceiptEsmClass(pdu.esmClass)) {
    const receipt = readDeliveryReceipt(pdu);
    return receipt ? { kind: 'receipt', receipt, pdu } : { kind: 'unreadable-receipt', pdu };
  }
  const body =
    pdu.shortMessage.length > 0 ? pdu.shortMessage : (pdu.messagePayload ?? pdu.shortMessage);
  const decoded = decodeShortMessage(body, pdu.dataCoding, pdu.esmClass);
  const mo: MobileOriginated = {
    sourceAddr: pdu.sourceAddr,
    destinationAddr: pdu.destinationAddr,
    dataCoding: pdu.dataCoding,
    esmClass: pdu.esmClass,
    text: decoded.text,
    payload: decoded.payload,
  };
  const concat = decoded.concat ?? sarConcatOf(pdu);
  if (concat) mo.concat = concat;
  if (decoded.udh) mo.udh = decoded.udh;
  return { kind: 'mo', mo, pdu };
}
