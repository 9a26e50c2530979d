import { decodeShortMessage, type ConcatInfo, type SubmitSmPdu } from '@tuxhat/smpp';

/** What the simulator remembers of each submit_sm it received (tests and GET /submits read it). */
export interface SubmitRecord {
  /** Assigned message id; undefined when the submit was refused (throttled / error). */
  messageId: string | undefined;
  /** command_status the simulator answered with. */
  commandStatus: number;
  systemId: string;
  sourceAddr: string;
  destinationAddr: string;
  /** Decoded user data (UDH stripped); undefined for binary data_coding. */
  text: string | undefined;
  dataCoding: number;
  esmClass: number;
  registeredDelivery: number;
  udh?: Buffer;
  concat?: ConcatInfo;
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
    messageId: string | undefined;
    commandStatus: number;
    outstanding: number;
    receivedAt: Date;
  },
): SubmitRecord {
  // SMPP 3.4 §5.3.2.32: message_payload replaces short_message (which is then empty).
  const body =
    pdu.shortMessage.length === 0 && pdu.messagePayload ? pdu.messagePayload : pdu.shortMessage;
  const decoded = decodeShortMessage(body, pdu.dataCoding, pdu.esmClass);
  const record: SubmitRecord = {
    ...context,
    sourceAddr: pdu.sourceAddr,
    destinationAddr: pdu.destinationAddr,
    text: decoded.text,
    dataCoding: pdu.dataCoding,
    esmClass: pdu.esmClass,
    registeredDelivery: pdu.registeredDelivery,
    shortMessage: body,
    sequenceNumber: pdu.sequenceNumber,
  };
  if (decoded.udh) record.udh = decoded.udh;
  if (decoded.concat) record.concat = decoded.concat;
  return record;
}
