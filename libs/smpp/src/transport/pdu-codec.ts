import type { OutgoingPdu, SmppPdu } from './smpp-pdu';
import { decodeFrame, encodeOutgoing } from './wire-codec';

/** Serialises a PDU to its wire octets (SMPP 3.4 §3.2): for golden tests and raw tooling. */
export function encodePdu(pdu: OutgoingPdu, sequenceNumber = pdu.sequenceNumber ?? 1): Buffer {
  return encodeOutgoing(pdu, sequenceNumber);
}

/** Parses one complete PDU from its wire octets; throws on malformed input. */
export function decodePdu(octets: Buffer): SmppPdu {
  return decodeFrame(octets);
}
