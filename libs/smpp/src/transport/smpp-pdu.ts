/**
 * The PDUs the gateway and the simulator exchange (SMPP 3.4 §4), typed and in camelCase.
 * Only transport/node-smpp.ts converts between these and node-smpp's untyped objects.
 */

export type BindType = 'transmitter' | 'receiver' | 'transceiver';
export type BindCommand = 'bind_transmitter' | 'bind_receiver' | 'bind_transceiver';
export type BindRespCommand = `${BindCommand}_resp`;

export const BIND_COMMANDS: Readonly<Record<BindType, BindCommand>> = {
  transmitter: 'bind_transmitter',
  receiver: 'bind_receiver',
  transceiver: 'bind_transceiver',
};

export function bindTypeOf(command: BindCommand): BindType {
  switch (command) {
    case 'bind_transmitter':
      return 'transmitter';
    case 'bind_receiver':
      return 'receiver';
    case 'bind_transceiver':
      return 'transceiver';
  }
}

/** SMPP 3.4 interface_version for bind (§5.2.4). */
export const SMPP_VERSION_3_4 = 0x34;

/** §3.2 PDU header minus command_length (computed) and command_id (implied by `command`). */
export interface PduHeader {
  commandStatus: number;
  sequenceNumber: number;
}

/** §4.1.1 / §4.1.3 / §4.1.5 */
export interface BindPdu extends PduHeader {
  command: BindCommand;
  systemId: string;
  password: string;
  systemType: string;
  interfaceVersion: number;
  addrTon: number;
  addrNpi: number;
  addressRange: string;
}

/** §4.1.2 / §4.1.4 / §4.1.6 */
export interface BindRespPdu extends PduHeader {
  command: BindRespCommand;
  systemId: string;
}

/** The TLVs we use (§5.3.2), on submit_sm, deliver_sm and data_sm alike. */
export interface MessageTlvs {
  /** §5.3.2.32 message_payload TLV, raw. */
  messagePayload?: Buffer;
  /** §5.3.2.12 receipted_message_id TLV (receipts). */
  receiptedMessageId?: string;
  /** §5.3.2.35 message_state TLV (receipts). */
  messageState?: number;
  /** §5.3.2.31 network_error_code TLV. */
  networkErrorCode?: Buffer;
  /** §5.3.2.22 sar_msg_ref_num TLV: the reference shared by a concatenated message's parts. */
  sarMsgRefNum?: number;
  /** §5.3.2.23 sar_total_segments TLV. */
  sarTotalSegments?: number;
  /** §5.3.2.24 sar_segment_seqnum TLV (1-based). */
  sarSegmentSeqnum?: number;
}

/** The fields that open submit_sm (§4.4.1), deliver_sm (§4.6.1) and data_sm (§4.7.1). */
export interface MessageAddressing {
  serviceType: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  sourceAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
  destinationAddr: string;
}

/** Mandatory parameters shared by submit_sm (§4.4.1) and deliver_sm (§4.6.1), plus the TLVs we use. */
export interface ShortMessageFields extends MessageAddressing, MessageTlvs {
  esmClass: number;
  protocolId: number;
  priorityFlag: number;
  /** Absolute or relative time string (§7.1.1); empty = immediate / SMSC default. */
  scheduleDeliveryTime: string;
  validityPeriod: string;
  registeredDelivery: number;
  replaceIfPresentFlag: number;
  dataCoding: number;
  smDefaultMsgId: number;
  /** Raw octets (UDH included when esm_class has UDHI); never decoded by the transport. */
  shortMessage: Buffer;
}

/**
 * §4.7.1 data_sm mandatory parameters: deliver_sm's addressing, esm_class and data_coding,
 * without short_message (the user data travels in message_payload).
 */
export interface DataSmFields extends MessageAddressing, MessageTlvs {
  esmClass: number;
  registeredDelivery: number;
  dataCoding: number;
}

export interface SubmitSmPdu extends PduHeader, ShortMessageFields {
  command: 'submit_sm';
}

export interface DeliverSmPdu extends PduHeader, ShortMessageFields {
  command: 'deliver_sm';
}

/** §4.7.1: some SMSCs send receipts and MO this way instead of deliver_sm. */
export interface DataSmPdu extends PduHeader, DataSmFields {
  command: 'data_sm';
}

/** §4.7.2; message_id, which an ESME answering an SMSC leaves empty. */
export interface DataSmRespPdu extends PduHeader {
  command: 'data_sm_resp';
  messageId: string;
}

/** §4.4.2; message_id is absent when command_status is non-zero. */
export interface SubmitSmRespPdu extends PduHeader {
  command: 'submit_sm_resp';
  messageId: string;
}

/** §4.6.2; message_id is unused and set to NULL. */
export interface DeliverSmRespPdu extends PduHeader {
  command: 'deliver_sm_resp';
}

/** §4.11 enquire_link, §4.2 unbind, §4.3 generic_nack: header only. */
export interface HeaderOnlyPdu extends PduHeader {
  command: 'enquire_link' | 'enquire_link_resp' | 'unbind' | 'unbind_resp' | 'generic_nack';
}

/** Any other command node-smpp decoded (or an unknown command_id); answered with generic_nack. */
export interface UnsupportedPdu extends PduHeader {
  command: 'unsupported';
  /** node-smpp's name for it, 'unknown' for an undefined command_id. */
  name: string;
  commandId: number;
  isResponse: boolean;
}

export type SmppPdu =
  | BindPdu
  | BindRespPdu
  | SubmitSmPdu
  | SubmitSmRespPdu
  | DeliverSmPdu
  | DeliverSmRespPdu
  | DataSmPdu
  | DataSmRespPdu
  | HeaderOnlyPdu
  | UnsupportedPdu;

/** What a caller fills in to send a PDU: the command plus any fields (defaults are zero/empty). */
type Outgoing<T> = T extends { command: infer C }
  ? { command: C } & Partial<Omit<T, 'command'>>
  : never;
export type OutgoingPdu = Outgoing<Exclude<SmppPdu, UnsupportedPdu>>;

/** Responses (and generic_nack) are the command ids with bit 31 set (§5.1.2); by name they end in _resp. */
export function isResponseCommand(command: SmppPdu['command']): boolean {
  return command.endsWith('_resp') || command === 'generic_nack';
}

export function isResponsePdu(pdu: SmppPdu): boolean {
  return pdu.command === 'unsupported' ? pdu.isResponse : isResponseCommand(pdu.command);
}
