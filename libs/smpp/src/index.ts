// @tuxhat/smpp: SMPP 3.4 protocol code shared by the SMPP connector and the SMSC simulator.

// Protocol constants (SMPP 3.4 §5)
export {
  CommandStatus,
  commandStatusName,
  type CommandStatusName,
} from './protocol/command-status';
export { DataCoding } from './protocol/data-coding';
export { EsmClass, hasUdh, isReceiptEsmClass } from './protocol/esm-class';
export { MessageState, type MessageStateValue } from './protocol/message-state';
export { RegisteredDelivery, wantsReceipt } from './protocol/registered-delivery';
export { formatAbsoluteTime, parseAbsoluteTime } from './protocol/smpp-time';

// Encoding: GSM 03.38 / UCS-2, analysis, concatenation
export { GSM7_ESCAPE, gsm7SeptetCost } from './encoding/gsm7-alphabet';
export {
  Gsm7EncodingError,
  decodeGsm7,
  encodeGsm7,
  isGsm7Representable,
} from './encoding/gsm7-codec';
export { decodeUcs2, encodeUcs2 } from './encoding/ucs2-codec';
export {
  Latin1EncodingError,
  decodeLatin1,
  encodeLatin1,
  isLatin1Representable,
} from './encoding/latin1-codec';
export {
  ALPHABETS,
  canCarry,
  chooseAlphabet,
  dataCodingOf,
  type Alphabet,
} from './encoding/alphabet';
export {
  CONCATENATIONS,
  maxReference,
  partCapacity,
  type Concatenation,
  type PartCapacity,
} from './encoding/concatenation';
export { dataCodingFor, detectEncoding, type TextEncoding } from './encoding/text-encoding';
export {
  MAX_PARTS,
  SEGMENT_LIMITS,
  planSegments,
  type SegmentPlan,
} from './encoding/segment-planner';
export { analyseText, type TextAnalysis } from './encoding/text-analysis';
export {
  MAX_MESSAGE_PAYLOAD,
  MessageTooLongError,
  splitMessage,
  type SarInfo,
  type ShortMessagePart,
  type SplitMessage,
  type SplitOptions,
} from './encoding/message-splitter';
export {
  IEI_CONCAT_16BIT,
  IEI_CONCAT_8BIT,
  buildConcatUdh,
  buildConcatUdh16,
  splitUserData,
  type ConcatInfo,
  type SplitUserData,
} from './encoding/user-data-header';
export {
  decodeShortMessage,
  decodeText,
  sarConcatOf,
  type DecodedShortMessage,
} from './encoding/short-message-decoder';

// Delivery receipts (SMPP 3.4 Appendix B, §5.3.2.12, §5.3.2.35)
export {
  RECEIPT_STATS,
  isFinalState,
  isReceiptStat,
  messageStateFromState,
  stateFromMessageState,
  stateFromStat,
  statFromState,
  type ReceiptStat,
  type ReceiptState,
} from './receipt/receipt-state';
export {
  formatReceiptDate,
  formatReceiptText,
  parseReceiptDate,
  parseReceiptText,
  type ParsedReceiptText,
  type ReceiptTextFields,
} from './receipt/receipt-text';
export {
  readDeliveryReceipt,
  type DeliveryReceipt,
  type ReceiptSource,
} from './receipt/delivery-receipt';
export { messageIdKeys, messageIdsMatch } from './receipt/message-id';

// Transport: typed PDUs over node-smpp
export {
  BIND_COMMANDS,
  SMPP_VERSION_3_4,
  bindTypeOf,
  isResponseCommand,
  isResponsePdu,
  type BindCommand,
  type BindPdu,
  type BindRespCommand,
  type BindRespPdu,
  type BindType,
  type DeliverSmPdu,
  type DeliverSmRespPdu,
  type DataSmFields,
  type DataSmPdu,
  type DataSmRespPdu,
  type HeaderOnlyPdu,
  type MessageAddressing,
  type MessageTlvs,
  type OutgoingPdu,
  type PduHeader,
  type ShortMessageFields,
  type SmppPdu,
  type SubmitSmPdu,
  type SubmitSmRespPdu,
  type UnsupportedPdu,
} from './transport/smpp-pdu';
export {
  SmppSession,
  SmppSessionClosedError,
  type SmppConnectOptions,
  type SmppSessionEvents,
} from './transport/smpp-session';
export {
  SmppListener,
  type SmppListenerEvents,
  type SmppListenerOptions,
} from './transport/smpp-listener';
export { SequenceGenerator } from './transport/sequence-generator';
export { decodePdu, encodePdu } from './transport/pdu-codec';

// ESME client
export { EsmeClient, SmppInvalidSubmitError } from './esme/esme-client';
export type { EsmeClientOptions } from './esme/esme-client.options';
export type {
  BoundEvent,
  DeliverFailedEvent,
  DeliverHandler,
  EsmeClientEvents,
  EsmeClientState,
  ReconnectingEvent,
  SubmitPartOutcome,
  SubmitSmParams,
  SubmitSmResponse,
  UnboundEvent,
} from './esme/esme-client.types';
export {
  SmppBindError,
  SmppClientError,
  SmppConnectError,
  SmppConnectionClosedError,
  SmppNotBoundError,
  SmppResponseTimeoutError,
  type SmppCloseReason,
} from './esme/esme-errors';
export {
  classifyDeliver,
  type InboundDeliver,
  type InboundPdu,
  type MobileOriginated,
} from './esme/inbound-deliver';
export { type UserDataFields, userDataOf } from './protocol/user-data';
export { PendingResponses } from './esme/pending-responses';
export { DEFAULT_BACKOFF, backoffDelay, type BackoffPolicy } from './esme/reconnect-backoff';
