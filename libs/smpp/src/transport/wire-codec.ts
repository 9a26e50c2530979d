import { MAX_PDU_LENGTH, createWirePdu, parseWirePdu } from './node-smpp';
import { fromWire, toWire } from './pdu-mapper';
import type {
  DataSmFields,
  MessageAddressing,
  MessageTlvs,
  OutgoingPdu,
  ShortMessageFields,
  SmppPdu,
} from './smpp-pdu';

/**
 * The PDUs the gateway and the simulator exchange, written and read straight between typed
 * PDUs and octets (SMPP 3.4 §3.2, §4): no node-smpp object, no snake_case copy, no filter pass
 * per PDU. The octets are exactly node-smpp's (transport/wire-codec.spec.ts compares the two
 * over every field): same defaults, same TLV order, header only when command_status is set.
 * Whatever this codec does not know (other commands, other TLVs, a body that does not parse
 * cleanly) goes through node-smpp as before, so odd input behaves exactly as it always did.
 */

const HEADER = 16;

const COMMAND_IDS = {
  generic_nack: 0x80000000,
  bind_receiver: 0x00000001,
  bind_receiver_resp: 0x80000001,
  bind_transmitter: 0x00000002,
  bind_transmitter_resp: 0x80000002,
  submit_sm: 0x00000004,
  submit_sm_resp: 0x80000004,
  deliver_sm: 0x00000005,
  deliver_sm_resp: 0x80000005,
  unbind: 0x00000006,
  unbind_resp: 0x80000006,
  bind_transceiver: 0x00000009,
  bind_transceiver_resp: 0x80000009,
  enquire_link: 0x00000015,
  enquire_link_resp: 0x80000015,
  data_sm: 0x00000103,
  data_sm_resp: 0x80000103,
} as const satisfies Record<Exclude<SmppPdu['command'], 'unsupported'>, number>;

type KnownCommand = keyof typeof COMMAND_IDS;

const COMMAND_NAMES = new Map<number, KnownCommand>(
  (Object.entries(COMMAND_IDS) as [KnownCommand, number][]).map(([name, id]) => [id, name]),
);

/** §5.3.2 tags of the TLVs smpp-pdu.ts carries, in the order node-smpp writes them. */
const TLV = {
  messagePayload: 0x0424,
  receiptedMessageId: 0x001e,
  messageState: 0x0427,
  networkErrorCode: 0x0423,
  sarMsgRefNum: 0x020c,
  sarTotalSegments: 0x020e,
  sarSegmentSeqnum: 0x020f,
} as const;

/** node-smpp's bind default interface_version (it is 0x50 there; callers normally say 0x34). */
const DEFAULT_INTERFACE_VERSION = 0x50;

/** Encodes a PDU to its octets (one Buffer, header included). Throws RangeError like node-smpp on an integer out of range. */
export function encodeOutgoing(pdu: OutgoingPdu, sequenceNumber: number): Buffer {
  const commandStatus = pdu.commandStatus ?? 0;
  const commandId = COMMAND_IDS[pdu.command];
  if (commandStatus !== 0) return header(HEADER, commandId, commandStatus, sequenceNumber);
  switch (pdu.command) {
    case 'submit_sm':
    case 'deliver_sm':
      return encodeShortMessage(pdu, commandId, sequenceNumber);
    case 'data_sm':
      return encodeDataSm(pdu, commandId, sequenceNumber);
    case 'submit_sm_resp':
    case 'data_sm_resp':
    case 'deliver_sm_resp': {
      const messageId = pdu.command === 'deliver_sm_resp' ? '' : (pdu.messageId ?? '');
      const out = header(HEADER + messageId.length + 1, commandId, 0, sequenceNumber);
      writeCString(out, HEADER, messageId);
      return out;
    }
    case 'bind_transmitter':
    case 'bind_receiver':
    case 'bind_transceiver': {
      const systemId = pdu.systemId ?? '';
      const password = pdu.password ?? '';
      const systemType = pdu.systemType ?? '';
      const addressRange = pdu.addressRange ?? '';
      const length =
        HEADER + systemId.length + password.length + systemType.length + addressRange.length + 7;
      const out = header(length, commandId, 0, sequenceNumber);
      let offset = writeCString(out, HEADER, systemId);
      offset = writeCString(out, offset, password);
      offset = writeCString(out, offset, systemType);
      offset = out.writeUInt8(pdu.interfaceVersion ?? DEFAULT_INTERFACE_VERSION, offset);
      offset = out.writeUInt8(pdu.addrTon || 0, offset);
      offset = out.writeUInt8(pdu.addrNpi || 0, offset);
      writeCString(out, offset, addressRange);
      return out;
    }
    case 'bind_transmitter_resp':
    case 'bind_receiver_resp':
    case 'bind_transceiver_resp': {
      const systemId = pdu.systemId ?? '';
      const out = header(HEADER + systemId.length + 1, commandId, 0, sequenceNumber);
      writeCString(out, HEADER, systemId);
      return out;
    }
    case 'enquire_link':
    case 'enquire_link_resp':
    case 'unbind':
    case 'unbind_resp':
    case 'generic_nack':
      return header(HEADER, commandId, 0, sequenceNumber);
  }
}

type ShortMessageOut = Partial<ShortMessageFields>;

function encodeShortMessage(
  pdu: ShortMessageOut,
  commandId: number,
  sequenceNumber: number,
): Buffer {
  const schedule = pdu.scheduleDeliveryTime ?? '';
  const validity = pdu.validityPeriod ?? '';
  const shortMessage = pdu.shortMessage ?? EMPTY;
  const length =
    HEADER +
    addressingLength(pdu) +
    schedule.length +
    validity.length +
    shortMessage.length +
    // 2 NULs, 7 one-octet fields, sm_length
    10 +
    tlvsLength(pdu);
  const out = header(length, commandId, 0, sequenceNumber);
  let offset = writeAddressing(out, pdu);
  offset = out.writeUInt8(pdu.esmClass || 0, offset);
  offset = out.writeUInt8(pdu.protocolId || 0, offset);
  offset = out.writeUInt8(pdu.priorityFlag || 0, offset);
  offset = writeCString(out, offset, schedule);
  offset = writeCString(out, offset, validity);
  offset = out.writeUInt8(pdu.registeredDelivery || 0, offset);
  offset = out.writeUInt8(pdu.replaceIfPresentFlag || 0, offset);
  offset = out.writeUInt8(pdu.dataCoding || 0, offset);
  offset = out.writeUInt8(pdu.smDefaultMsgId || 0, offset);
  offset = out.writeUInt8(shortMessage.length, offset);
  offset += shortMessage.copy(out, offset);
  writeTlvs(out, offset, pdu);
  return out;
}

/** §4.7.1: the addressing, esm_class, registered_delivery and data_coding, then the TLVs. */
function encodeDataSm(
  pdu: Partial<DataSmFields>,
  commandId: number,
  sequenceNumber: number,
): Buffer {
  // 3 one-octet fields
  const length = HEADER + addressingLength(pdu) + 3 + tlvsLength(pdu);
  const out = header(length, commandId, 0, sequenceNumber);
  let offset = writeAddressing(out, pdu);
  offset = out.writeUInt8(pdu.esmClass || 0, offset);
  offset = out.writeUInt8(pdu.registeredDelivery || 0, offset);
  offset = out.writeUInt8(pdu.dataCoding || 0, offset);
  writeTlvs(out, offset, pdu);
  return out;
}

/** The octets of the addressing fields that open submit_sm, deliver_sm and data_sm. */
function addressingLength(pdu: Partial<MessageAddressing>): number {
  const { serviceType = '', sourceAddr = '', destinationAddr = '' } = pdu;
  // 3 NULs, 4 one-octet fields
  return serviceType.length + sourceAddr.length + destinationAddr.length + 7;
}

/** Writes the addressing fields right after the header; returns the offset after them. */
function writeAddressing(out: Buffer, pdu: Partial<MessageAddressing>): number {
  let offset = writeCString(out, HEADER, pdu.serviceType ?? '');
  offset = out.writeUInt8(pdu.sourceAddrTon || 0, offset);
  offset = out.writeUInt8(pdu.sourceAddrNpi || 0, offset);
  offset = writeCString(out, offset, pdu.sourceAddr ?? '');
  offset = out.writeUInt8(pdu.destAddrTon || 0, offset);
  offset = out.writeUInt8(pdu.destAddrNpi || 0, offset);
  return writeCString(out, offset, pdu.destinationAddr ?? '');
}

/** The octets the TLVs of MessageTlvs take that the PDU carries. */
function tlvsLength(pdu: MessageTlvs): number {
  let length = 0;
  const { messagePayload, receiptedMessageId, networkErrorCode } = pdu;
  if (messagePayload !== undefined) length += 4 + messagePayload.length;
  if (receiptedMessageId !== undefined) length += 5 + receiptedMessageId.length;
  if (pdu.messageState !== undefined) length += 5;
  if (networkErrorCode !== undefined) length += 4 + networkErrorCode.length;
  if (pdu.sarMsgRefNum !== undefined) length += 6;
  if (pdu.sarTotalSegments !== undefined) length += 5;
  if (pdu.sarSegmentSeqnum !== undefined) length += 5;
  return length;
}

/** Writes the TLVs the PDU carries from `offset`, in node-smpp's order. */
function writeTlvs(out: Buffer, offset: number, pdu: MessageTlvs): void {
  const { messagePayload, receiptedMessageId, networkErrorCode } = pdu;
  if (messagePayload !== undefined)
    offset = writeTlvOctets(out, offset, TLV.messagePayload, messagePayload);
  if (receiptedMessageId !== undefined) {
    offset = out.writeUInt16BE(TLV.receiptedMessageId, offset);
    offset = out.writeUInt16BE(receiptedMessageId.length + 1, offset);
    offset = writeCString(out, offset, receiptedMessageId);
  }
  if (pdu.messageState !== undefined)
    offset = writeTlvInt8(out, offset, TLV.messageState, pdu.messageState);
  if (networkErrorCode !== undefined)
    offset = writeTlvOctets(out, offset, TLV.networkErrorCode, networkErrorCode);
  if (pdu.sarMsgRefNum !== undefined) {
    offset = out.writeUInt16BE(TLV.sarMsgRefNum, offset);
    offset = out.writeUInt16BE(2, offset);
    offset = out.writeUInt16BE(pdu.sarMsgRefNum || 0, offset);
  }
  if (pdu.sarTotalSegments !== undefined)
    offset = writeTlvInt8(out, offset, TLV.sarTotalSegments, pdu.sarTotalSegments);
  if (pdu.sarSegmentSeqnum !== undefined)
    writeTlvInt8(out, offset, TLV.sarSegmentSeqnum, pdu.sarSegmentSeqnum);
}

const EMPTY = Buffer.alloc(0);

function header(length: number, commandId: number, status: number, sequence: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  out.writeUInt32BE(length, 0);
  out.writeUInt32BE(commandId, 4);
  out.writeUInt32BE(status, 8);
  out.writeUInt32BE(sequence, 12);
  return out;
}

/** A C-Octet String: one octet per UTF-16 unit (node-smpp's 'ascii' write), then NUL. */
function writeCString(out: Buffer, offset: number, value: string): number {
  const length = value.length;
  if (length > 16) {
    out.write(value, offset, length, 'latin1');
  } else {
    for (let i = 0; i < length; i++) out[offset + i] = value.charCodeAt(i) & 0xff;
  }
  out[offset + length] = 0;
  return offset + length + 1;
}

function writeTlvOctets(out: Buffer, offset: number, tag: number, value: Buffer): number {
  offset = out.writeUInt16BE(tag, offset);
  offset = out.writeUInt16BE(value.length, offset);
  return offset + value.copy(out, offset);
}

function writeTlvInt8(out: Buffer, offset: number, tag: number, value: number): number {
  offset = out.writeUInt16BE(tag, offset);
  offset = out.writeUInt16BE(1, offset);
  return out.writeUInt8(value || 0, offset);
}

/**
 * Reads one complete PDU (header included, `octets.length` = command_length). The commands of
 * smpp-pdu.ts with a clean body are read here; anything else goes through node-smpp and the
 * mapper (which throws on what node-smpp cannot parse).
 */
export function decodeFrame(octets: Buffer): SmppPdu {
  return (
    (octets.length >= HEADER ? readKnown(octets) : undefined) ?? fromWire(parseWirePdu(octets))
  );
}

/** A cursor over a PDU body that gives up (undefined) instead of reading past the end. */
class BodyReader {
  offset = HEADER;
  failed = false;
  constructor(
    readonly octets: Buffer,
    readonly end: number,
  ) {}

  get atEnd(): boolean {
    return this.offset >= this.end;
  }

  int8(): number {
    if (this.offset >= this.end) return 0;
    return this.octets[this.offset++];
  }

  /** node-smpp reads up to the NUL; a string that runs to the end is left to node-smpp. */
  cstring(): string {
    if (this.offset >= this.end) return '';
    const { octets, end } = this;
    const start = this.offset;
    let nul = start;
    while (nul < end && octets[nul] !== 0) nul++;
    if (nul >= end) {
      this.failed = true;
      return '';
    }
    this.offset = nul + 1;
    return nul === start ? '' : octets.toString('ascii', start, nul);
  }

  /** short_message: sm_length, then that many octets. */
  octetString(): Buffer {
    if (this.offset >= this.end) return EMPTY;
    const length = this.octets[this.offset];
    const start = this.offset + 1;
    if (start + length > this.end) {
      this.failed = true;
      return EMPTY;
    }
    this.offset = start + length;
    return this.octets.subarray(start, start + length);
  }
}

function readKnown(octets: Buffer): SmppPdu | undefined {
  const length = octets.readUInt32BE(0);
  if (length !== octets.length || length > MAX_PDU_LENGTH) return undefined;
  const commandId = octets.readUInt32BE(4);
  const command = COMMAND_NAMES.get(commandId);
  if (command === undefined) return undefined;
  const commandStatus = octets.readUInt32BE(8);
  const sequenceNumber = octets.readUInt32BE(12);
  const body = new BodyReader(octets, length);
  let pdu: SmppPdu;
  switch (command) {
    case 'submit_sm':
    case 'deliver_sm': {
      const fields = readShortMessage(body);
      if (fields === undefined) return undefined;
      pdu = { commandStatus, sequenceNumber, command, ...fields };
      break;
    }
    case 'data_sm': {
      const fields = readDataSm(body);
      if (fields === undefined) return undefined;
      pdu = { commandStatus, sequenceNumber, command, ...fields };
      break;
    }
    case 'submit_sm_resp':
    case 'data_sm_resp':
      pdu = { commandStatus, sequenceNumber, command, messageId: body.cstring() };
      break;
    case 'deliver_sm_resp':
      body.cstring();
      pdu = { commandStatus, sequenceNumber, command };
      break;
    case 'bind_transmitter':
    case 'bind_receiver':
    case 'bind_transceiver': {
      const systemId = body.cstring();
      const password = body.cstring();
      const systemType = body.cstring();
      const interfaceVersion = body.int8();
      const addrTon = body.int8();
      const addrNpi = body.int8();
      const addressRange = body.cstring();
      pdu = {
        commandStatus,
        sequenceNumber,
        command: command,
        systemId,
        password,
        systemType,
        interfaceVersion,
        addrTon,
        addrNpi,
        addressRange,
      };
      break;
    }
    case 'bind_transmitter_resp':
    case 'bind_receiver_resp':
    case 'bind_transceiver_resp':
      pdu = {
        commandStatus,
        sequenceNumber,
        command: command,
        systemId: body.cstring(),
      };
      break;
    case 'enquire_link':
    case 'enquire_link_resp':
    case 'unbind':
    case 'unbind_resp':
    case 'generic_nack':
      pdu = { commandStatus, sequenceNumber, command };
      break;
  }
  // Optional parameters on anything but submit_sm/deliver_sm/data_sm (read above), and bodies
  // that do not parse cleanly, are node-smpp's business.
  if (body.failed || body.offset + 4 <= length) return undefined;
  return pdu;
}

/** §4.4.1 / §4.6.1 mandatory parameters, then the TLVs of ShortMessageFields. */
function readShortMessage(body: BodyReader): ShortMessageFields | undefined {
  const fields: ShortMessageFields = {
    serviceType: body.cstring(),
    sourceAddrTon: body.int8(),
    sourceAddrNpi: body.int8(),
    sourceAddr: body.cstring(),
    destAddrTon: body.int8(),
    destAddrNpi: body.int8(),
    destinationAddr: body.cstring(),
    esmClass: body.int8(),
    protocolId: body.int8(),
    priorityFlag: body.int8(),
    scheduleDeliveryTime: body.cstring(),
    validityPeriod: body.cstring(),
    registeredDelivery: body.int8(),
    replaceIfPresentFlag: body.int8(),
    dataCoding: body.int8(),
    smDefaultMsgId: body.int8(),
    shortMessage: body.octetString(),
  };
  return body.failed || !readTlvs(body, fields) ? undefined : fields;
}

/**
 * §4.7.1 mandatory parameters, then the TLVs of MessageTlvs. The fields are spelt out in one
 * literal, as in readShortMessage, not spread from a shared reader: Node 20's V8 builds a literal
 * that starts with a spread and goes on with more properties on a slow path (a deliver_sm decoded
 * in 12 us instead of 0.7). The pinned Node 24 builds both alike; this is the receipt path.
 */
function readDataSm(body: BodyReader): DataSmFields | undefined {
  const fields: DataSmFields = {
    serviceType: body.cstring(),
    sourceAddrTon: body.int8(),
    sourceAddrNpi: body.int8(),
    sourceAddr: body.cstring(),
    destAddrTon: body.int8(),
    destAddrNpi: body.int8(),
    destinationAddr: body.cstring(),
    esmClass: body.int8(),
    registeredDelivery: body.int8(),
    dataCoding: body.int8(),
  };
  return body.failed || !readTlvs(body, fields) ? undefined : fields;
}

/**
 * Reads the TLVs from the body's offset to its end into `fields`; false on one it does not know
 * or one that does not parse (left to node-smpp).
 */
function readTlvs(body: BodyReader, fields: MessageTlvs): boolean {
  const { octets, end } = body;
  let offset = body.offset;
  while (offset + 4 <= end) {
    const tag = octets.readUInt16BE(offset);
    const length = octets.readUInt16BE(offset + 2);
    const start = offset + 4;
    offset = start + length;
    if (offset > end) return false;
    switch (tag) {
      case TLV.messagePayload:
        fields.messagePayload = octets.subarray(start, offset);
        break;
      case TLV.receiptedMessageId: {
        const nul = octets.indexOf(0, start);
        if (nul < 0 || nul >= offset) return false;
        fields.receiptedMessageId = octets.toString('ascii', start, nul);
        break;
      }
      case TLV.messageState:
        if (length !== 1) return false;
        fields.messageState = octets[start];
        break;
      case TLV.networkErrorCode:
        fields.networkErrorCode = octets.subarray(start, offset);
        break;
      case TLV.sarMsgRefNum:
        if (length !== 2) return false;
        fields.sarMsgRefNum = octets.readUInt16BE(start);
        break;
      case TLV.sarTotalSegments:
        if (length !== 1) return false;
        fields.sarTotalSegments = octets[start];
        break;
      case TLV.sarSegmentSeqnum:
        if (length !== 1) return false;
        fields.sarSegmentSeqnum = octets[start];
        break;
      default:
        return false;
    }
  }
  body.offset = end;
  return true;
}

/** What node-smpp makes of a typed PDU: the reference the codec is tested against. */
export function encodeWithNodeSmpp(pdu: OutgoingPdu, sequenceNumber: number): Buffer {
  const { command, params } = toWire(pdu, sequenceNumber);
  return createWirePdu(command, params).toBuffer();
}

export function decodeWithNodeSmpp(octets: Buffer): SmppPdu {
  return fromWire(parseWirePdu(octets));
}
