import { decodeShortMessage, sarConcatOf } from '../encoding/short-message-decoder';
import type { ConcatInfo } from '../encoding/user-data-header';
import { isReceiptEsmClass } from '../protocol/esm-class';
import { userDataOf } from '../protocol/user-data';
import { readDeliveryReceipt, type DeliveryReceipt } from '../receipt/delivery-receipt';
import type { DataSmPdu, DeliverSmPdu } from '../transport/smpp-pdu';

/** What an SMSC hands an ESME: deliver_sm (§4.6), or data_sm (§4.7) on some networks. */
export type InboundPdu = DeliverSmPdu | DataSmPdu;

/** A mobile-originated message (esm_class message type default, SMPP 3.4 §5.2.12). */
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

/** What the ESME client hands the deliver handler for each deliver_sm or data_sm. */
export type InboundDeliver =
  | { kind: 'receipt'; receipt: DeliveryReceipt; pdu: InboundPdu }
  | { kind: 'mo'; mo: MobileOriginated; pdu: InboundPdu }
  /** esm_class says receipt but neither TLVs nor text yield a message id. */
  | { kind: 'unreadable-receipt'; pdu: InboundPdu };

/** A receipt or an MO, by esm_class (§5.2.12), read the same from deliver_sm and data_sm. */
export function classifyDeliver(pdu: InboundPdu): InboundDeliver {
  if (isReceiptEsmClass(pdu.esmClass)) {
    const receipt = readDeliveryReceipt(pdu);
    return receipt ? { kind: 'receipt', receipt, pdu } : { kind: 'unreadable-receipt', pdu };
  }
  const decoded = decodeShortMessage(userDataOf(pdu), pdu.dataCoding, pdu.esmClass);
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
