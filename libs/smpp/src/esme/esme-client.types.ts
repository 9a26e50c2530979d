import type { BindType } from '../transport/smpp-pdu';
import type { SmppClientError, SmppCloseReason } from './esme-errors';
import type { InboundDeliver } from './inbound-deliver';

/** One submit_sm (SMPP 3.4 §4.4.1). A ShortMessagePart from splitMessage() spreads straight in. */
export interface SubmitSmParams {
  sourceAddr: string;
  sourceAddrTon?: number;
  sourceAddrNpi?: number;
  destinationAddr: string;
  destAddrTon?: number;
  destAddrNpi?: number;
  /** Raw octets, UDH included when esmClass has UDHI; at most 254 (§4.4.1 sm_length). */
  shortMessage: Buffer;
  esmClass?: number;
  /** Default 0x00 (SMSC default alphabet). */
  dataCoding?: number;
  /** §5.2.17; default 0 (no receipt) as in the spec. The gateway normally sets 0x01. */
  registeredDelivery?: number;
  serviceType?: string;
  protocolId?: number;
  priorityFlag?: number;
  scheduleDeliveryTime?: string;
  validityPeriod?: string;
  /** §5.3.2.32; when used, shortMessage should be empty. */
  messagePayload?: Buffer;
  /** §5.3.2.22-24 SAR TLVs, on every part of a message concatenated by SAR. */
  sarMsgRefNum?: number;
  sarTotalSegments?: number;
  sarSegmentSeqnum?: number;
}

/** submit_sm_resp (§4.4.2), or the generic_nack the SMSC sent instead. */
export interface SubmitSmResponse {
  /** 0 = accepted; anything else is the carrier's refusal (e.g. 0x58 ESME_RTHROTTLED). */
  commandStatus: number;
  /** The SMSC's id for the message; only present when commandStatus is 0. */
  messageId: string | undefined;
  sequenceNumber: number;
}

/** Per-part result of submit(): a response (any command_status) or the client error that prevented one. */
export type SubmitPartOutcome =
  { ok: true; response: SubmitSmResponse } | { ok: false; error: SmppClientError };

export type EsmeClientState =
  'idle' | 'connecting' | 'binding' | 'bound' | 'reconnecting' | 'closing' | 'closed';

/**
 * Receives every deliver_sm. The deliver_sm_resp is sent only when the returned promise
 * resolves (ESME_ROK); a rejection answers ESME_RX_T_APPN so the SMSC redelivers later.
 */
export type DeliverHandler = (deliver: InboundDeliver) => Promise<void>;

export interface BoundEvent {
  bindType: BindType;
  /** system_id the SMSC returned in bind_*_resp. */
  smscSystemId: string;
  /** true for binds re-established by the reconnect loop. */
  reconnected: boolean;
}

export interface UnboundEvent {
  reason: SmppCloseReason;
  error?: Error;
  willReconnect: boolean;
}

export interface ReconnectingEvent {
  /** 1-based attempt number since the bind was lost. */
  attempt: number;
  delayMs: number;
  /** Why the previous attempt failed (absent for the first attempt after a loss). */
  lastError?: Error;
}

export interface DeliverFailedEvent {
  error: unknown;
  deliver: InboundDeliver;
}

export interface EsmeClientEvents {
  bound: [BoundEvent];
  unbound: [UnboundEvent];
  reconnecting: [ReconnectingEvent];
  /** A deliver handler rejected; the SMSC was answered ESME_RX_T_APPN. */
  deliverFailed: [DeliverFailedEvent];
}
