import type { WireParams, WirePdu } from './node-smpp';
import type {
  BindCommand,
  BindRespCommand,
  DataSmFields,
  MessageAddressing,
  MessageTlvs,
  OutgoingPdu,
  ShortMessageFields,
  SmppPdu,
} from './smpp-pdu';

const BIND_COMMANDS: readonly string[] = ['bind_transmitter', 'bind_receiver', 'bind_transceiver'];
const BIND_RESP_COMMANDS: readonly string[] = BIND_COMMANDS.map((command) => `${command}_resp`);
const HEADER_ONLY = [
  'enquire_link',
  'enquire_link_resp',
  'unbind',
  'unbind_resp',
  'generic_nack',
] as const;

type HeaderOnlyCommand = (typeof HEADER_ONLY)[number];

function isHeaderOnly(command: string): command is HeaderOnlyCommand {
  return (HEADER_ONLY as readonly string[]).includes(command);
}

/** node-smpp PDU -> typed PDU. Missing mandatory fields (a truncated body) read as zero/empty. */
export function fromWire(pdu: WirePdu): SmppPdu {
  const header = { commandStatus: pdu.command_status, sequenceNumber: pdu.sequence_number };
  const command = pdu.command;
  if (BIND_COMMANDS.includes(command)) {
    return {
      ...header,
      command: command as BindCommand,
      systemId: pdu.system_id ?? '',
      password: pdu.password ?? '',
      systemType: pdu.system_type ?? '',
      interfaceVersion: pdu.interface_version ?? 0,
      addrTon: pdu.addr_ton ?? 0,
      addrNpi: pdu.addr_npi ?? 0,
      addressRange: pdu.address_range ?? '',
    };
  }
  if (BIND_RESP_COMMANDS.includes(command)) {
    return { ...header, command: command as BindRespCommand, systemId: pdu.system_id ?? '' };
  }
  if (command === 'submit_sm' || command === 'deliver_sm') {
    return { ...header, command, ...shortMessageFromWire(pdu) };
  }
  if (command === 'data_sm') {
    return { ...header, command, ...dataSmFromWire(pdu) };
  }
  if (command === 'submit_sm_resp' || command === 'data_sm_resp') {
    return { ...header, command, messageId: pdu.message_id ?? '' };
  }
  if (command === 'deliver_sm_resp') {
    return { ...header, command };
  }
  if (isHeaderOnly(command)) {
    return { ...header, command };
  }
  return {
    ...header,
    command: 'unsupported',
    name: command,
    commandId: pdu.command_id,
    isResponse: pdu.isResponse(),
  };
}

function shortMessageFromWire(pdu: WirePdu): ShortMessageFields {
  const fields: ShortMessageFields = {
    ...addressingFromWire(pdu),
    esmClass: pdu.esm_class ?? 0,
    protocolId: pdu.protocol_id ?? 0,
    priorityFlag: pdu.priority_flag ?? 0,
    scheduleDeliveryTime: pdu.schedule_delivery_time ?? '',
    validityPeriod: pdu.validity_period ?? '',
    registeredDelivery: pdu.registered_delivery ?? 0,
    replaceIfPresentFlag: pdu.replace_if_present_flag ?? 0,
    dataCoding: pdu.data_coding ?? 0,
    smDefaultMsgId: pdu.sm_default_msg_id ?? 0,
    shortMessage: Buffer.isBuffer(pdu.short_message) ? pdu.short_message : Buffer.alloc(0),
  };
  tlvsFromWire(pdu, fields);
  return fields;
}

function addressingFromWire(pdu: WirePdu): MessageAddressing {
  return {
    serviceType: pdu.service_type ?? '',
    sourceAddrTon: pdu.source_addr_ton ?? 0,
    sourceAddrNpi: pdu.source_addr_npi ?? 0,
    sourceAddr: pdu.source_addr ?? '',
    destAddrTon: pdu.dest_addr_ton ?? 0,
    destAddrNpi: pdu.dest_addr_npi ?? 0,
    destinationAddr: pdu.destination_addr ?? '',
  };
}

function dataSmFromWire(pdu: WirePdu): DataSmFields {
  const fields: DataSmFields = {
    ...addressingFromWire(pdu),
    esmClass: pdu.esm_class ?? 0,
    registeredDelivery: pdu.registered_delivery ?? 0,
    dataCoding: pdu.data_coding ?? 0,
  };
  tlvsFromWire(pdu, fields);
  return fields;
}

function tlvsFromWire(pdu: WirePdu, fields: MessageTlvs): void {
  if (Buffer.isBuffer(pdu.message_payload)) fields.messagePayload = pdu.message_payload;
  if (typeof pdu.receipted_message_id === 'string')
    fields.receiptedMessageId = pdu.receipted_message_id;
  if (typeof pdu.message_state === 'number') fields.messageState = pdu.message_state;
  if (Buffer.isBuffer(pdu.network_error_code)) fields.networkErrorCode = pdu.network_error_code;
  if (typeof pdu.sar_msg_ref_num === 'number') fields.sarMsgRefNum = pdu.sar_msg_ref_num;
  if (typeof pdu.sar_total_segments === 'number') fields.sarTotalSegments = pdu.sar_total_segments;
  if (typeof pdu.sar_segment_seqnum === 'number') fields.sarSegmentSeqnum = pdu.sar_segment_seqnum;
}

/**
 * Typed PDU -> node-smpp command name and params. Keys whose value is undefined are left out:
 * node-smpp would otherwise try to serialise `undefined` and throw.
 */
export function toWire(
  pdu: OutgoingPdu,
  sequenceNumber: number,
): { command: string; params: WireParams } {
  const params: WireParams = {
    sequence_number: sequenceNumber,
    command_status: pdu.commandStatus ?? 0,
  };
  switch (pdu.command) {
    case 'bind_transmitter':
    case 'bind_receiver':
    case 'bind_transceiver':
      assign(params, {
        system_id: pdu.systemId,
        password: pdu.password,
        system_type: pdu.systemType,
        interface_version: pdu.interfaceVersion,
        addr_ton: pdu.addrTon,
        addr_npi: pdu.addrNpi,
        address_range: pdu.addressRange,
      });
      break;
    case 'bind_transmitter_resp':
    case 'bind_receiver_resp':
    case 'bind_transceiver_resp':
      assign(params, { system_id: pdu.systemId });
      break;
    case 'submit_sm':
    case 'deliver_sm':
      assign(params, addressingToWire(pdu));
      assign(params, {
        esm_class: pdu.esmClass,
        protocol_id: pdu.protocolId,
        priority_flag: pdu.priorityFlag,
        schedule_delivery_time: pdu.scheduleDeliveryTime,
        validity_period: pdu.validityPeriod,
        registered_delivery: pdu.registeredDelivery,
        replace_if_present_flag: pdu.replaceIfPresentFlag,
        // Always explicit: node-smpp's default (null) is written as 0 today, but say what we mean.
        data_coding: pdu.dataCoding ?? 0,
        sm_default_msg_id: pdu.smDefaultMsgId,
        short_message: pdu.shortMessage,
      });
      assign(params, tlvsToWire(pdu));
      break;
    case 'data_sm':
      assign(params, addressingToWire(pdu));
      assign(params, {
        esm_class: pdu.esmClass,
        registered_delivery: pdu.registeredDelivery,
        data_coding: pdu.dataCoding ?? 0,
      });
      assign(params, tlvsToWire(pdu));
      break;
    case 'submit_sm_resp':
    case 'data_sm_resp':
      assign(params, { message_id: pdu.messageId });
      break;
    case 'deliver_sm_resp':
    case 'enquire_link':
    case 'enquire_link_resp':
    case 'unbind':
    case 'unbind_resp':
    case 'generic_nack':
      break;
  }
  return { command: pdu.command, params };
}

function addressingToWire(pdu: Partial<MessageAddressing>): WireParams {
  return {
    service_type: pdu.serviceType,
    source_addr_ton: pdu.sourceAddrTon,
    source_addr_npi: pdu.sourceAddrNpi,
    source_addr: pdu.sourceAddr,
    dest_addr_ton: pdu.destAddrTon,
    dest_addr_npi: pdu.destAddrNpi,
    destination_addr: pdu.destinationAddr,
  };
}

function tlvsToWire(pdu: Partial<MessageTlvs>): WireParams {
  return {
    message_payload: pdu.messagePayload,
    receipted_message_id: pdu.receiptedMessageId,
    message_state: pdu.messageState,
    network_error_code: pdu.networkErrorCode,
    sar_msg_ref_num: pdu.sarMsgRefNum,
    sar_total_segments: pdu.sarTotalSegments,
    sar_segment_seqnum: pdu.sarSegmentSeqnum,
  };
}

function assign(target: WireParams, source: WireParams): void {
  for (const [key, value] of Object.entries(source) as [
    keyof WireParams,
    WireParams[keyof WireParams],
  ][]) {
    if (value !== undefined) Object.assign(target, { [key]: value });
  }
}
