import {
  decodeShortMessage,
  sarConcatOf,
  type BindType,
  type ConcatInfo,
  type SubmitSmPdu,
} from '@tuxhat/smpp';

/** What the simulator remembers of each submit_sm it received (tests and GET /submits read it). */
export interface SubmitRecord {
  /** Assigned message id; undefined when the submit was refused (throttled / error). */
  messageId: string | undefined;
  /** The connection (bind) it arrived on, and that bind's type. */
  connectionId: number;
  bindType: BindType;
  /** command_status the simulator answered with. */
  commandStatus: number;
  systemId: string;
  sourceAddr: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  destinationAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
  /** Decoded user data (UDH stripped); undefined for binary data_coding. */
  text: string | undefined;
  dataCoding: number;
  esmClass: number;
  registeredDelivery: number;
  /** validity_period as received (SMPP 3.4 §7.1.1); empty for the SMSC default. */
  validityPeriod: string;
  udh?: Buffer;
  /** Concatenation numbering from the UDH, or else from the SAR TLVs. */
  concat?: ConcatInfo;
  /** The SAR TLVs (§5.3.2.22-24), when the ESME numbered the part that way. */
  sar?: ConcatInfo;
  /** Whether the text came in message_payload (§5.3.2.32) rather than short_message. */
  viaMessagePayload: boolean;
  /** short_message (or message_payload) as received. */
  shortMessage: Buffer;
  sequenceNumber: number;
  /** submit_sm awaiting a response on this bind when this one arrived, itself included. */
  outstanding: number;
  receivedAt: Date;
}

export function buildSubmitRecord(
  pdu: SubmitSmPdu,
  context: {
    systemId: string;
    connectionId: number;
    bindType: BindType;
    messageId: string | undefined;
    commandStatus: number;
    outstanding: number;
    receivedAt: Date;
  },
): SubmitRecord {
  // SMPP 3.4 §5.3.2.32: message_payload replaces short_message (which is then empty).
  const viaMessagePayload = pdu.shortMessage.length === 0 && pdu.messagePayload !== undefined;
  const body = viaMessagePayload && pdu.messagePayload ? pdu.messagePayload : pdu.shortMessage;
  const decoded = decodeShortMessage(body, pdu.dataCoding, pdu.esmClass);
  const record: SubmitRecord = {
    ...context,
    sourceAddr: pdu.sourceAddr,
    sourceAddrTon: pdu.sourceAddrTon,
    sourceAddrNpi: pdu.sourceAddrNpi,
    destinationAddr: pdu.destinationAddr,
    destAddrTon: pdu.destAddrTon,
    destAddrNpi: pdu.destAddrNpi,
    validityPeriod: pdu.validityPeriod,
    viaMessagePayload,
    text: decoded.text,
    dataCoding: pdu.dataCoding,
    esmClass: pdu.esmClass,
    registeredDelivery: pdu.registeredDelivery,
    shortMessage: body,
    sequenceNumber: pdu.sequenceNumber,
  };
  if (decoded.udh) record.udh = decoded.udh;
  const sar = sarConcatOf(pdu);
  if (sar) record.sar = sar;
  const concat = decoded.concat ?? sar;
  if (concat) record.concat = concat;
  return record;
}
