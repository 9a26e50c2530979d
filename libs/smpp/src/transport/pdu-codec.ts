import { createWirePdu, parseWirePdu } from './node-smpp';
import { fromWire, toWire } from './pdu-mapper';
import type { OutgoingPdu, SmppPdu } from './smpp-pdu';

/** Serialises a PDU to its wire octets (SMPP 3.4 §3.2): for golden tests and raw tooling. */
export function encodePdu(pdu: OutgoingPdu, sequenceNumber = pdu.sequenceNumber ?? 1): Buffer {
  const { command, params } = toWire(pdu, sequenceNumber);
  return createWirePdu(command, params).toBuffer();
}

/** Parses one complete PDU from its wire octets; throws on malformed input. */
export function decodePdu(octets: Buffer): SmppPdu {
  return fromWire(parseWirePdu(octets));
}
