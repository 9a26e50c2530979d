import {
  SMS_DLR_RAW,
  SMS_MO_RAW,
  type SmsDlrRawEvent,
  type SmsMoRawEvent,
  deterministicUuid,
  newEnvelope,
} from '@tuxhat/contracts';
import { type Mapped, mapCarrierEvent } from '@tuxhat/connector-kit';
import { type DeliveryReceipt, messageStateFromState } from '@tuxhat/smpp';

/**
 * A delivery receipt (SMPP 3.4 Appendix B text and/or the §5.3.2.12 receipted_message_id and
 * §5.3.2.35 message_state TLVs, already read by @tuxhat/smpp) as an sms.dlr.raw event.
 *
 * - carrierMessageId: the id as the carrier wrote it (TLV first); the dlr service normalises.
 * - state: the normalised state (TLV message_state wins over the text's stat).
 * - rawState: the carrier's own word: the text's `stat:` (e.g. DELIVRD), or `message_state N`
 *   when only the TLV said it.
 * - errorCode: the text's `err:` field, when present.
 * - accountCarrierIds: the carriers sharing the SMSC account it came on, when there are several.
 *
 * The event id is derived from the receipt itself, so an SMSC that redelivers the same receipt
 * (our deliver_sm_resp got lost) produces the same event and downstream de-duplicates it.
 * Returns a reason instead of an event when the receipt does not fit the contract (an id longer
 * than 65 characters, say): such a receipt is logged and acknowledged, never published.
 */
export function dlrRawEventOf(
  carrierId: string,
  receipt: DeliveryReceipt,
  receivedAt: Date,
  accountCarrierIds: readonly string[] = [],
): Mapped<SmsDlrRawEvent> {
  const rawState = receipt.stat ?? `message_state ${messageStateFromState(receipt.state)}`;
  const identity = receipt.rawText ?? `${receipt.messageId}/${rawState}`;
  const at = receivedAt.toISOString();
  const event: SmsDlrRawEvent = {
    version: 1,
    eventId: deterministicUuid(`receipt/${carrierId}/${receipt.messageId}/${identity}`),
    occurredAt: at,
    carrierId,
    carrierMessageId: receipt.messageId,
    state: receipt.state,
    rawState,
    ...(receipt.err === undefined ? {} : { errorCode: receipt.err }),
    receivedAt: at,
    ...(accountCarrierIds.length > 1 ? { accountCarrierIds: [...accountCarrierIds] } : {}),
  };
  // The publisher validates every event against its contract anyway; here only the fields a
  // carrier controls are checked (the rest is ours: a uuid, an ISO time, a state of the enum),
  // and the schema runs only to word the reason when one of them does not fit.
  if (fitsDlrRawContract(event)) return { ok: true, event };
  return mapCarrierEvent(SMS_DLR_RAW, event);
}

/** The sms.dlr.raw limits on what comes from the carrier (and the configured carrier id). */
function fitsDlrRawContract(event: SmsDlrRawEvent): boolean {
  const { carrierMessageId, rawState, errorCode } = event;
  return (
    carrierMessageId.length >= 1 &&
    carrierMessageId.length <= 65 &&
    rawState.length <= 32 &&
    (errorCode === undefined || errorCode.length <= 32) &&
    CARRIER_ID.test(event.carrierId)
  );
}

/** contracts' carrierId pattern. */
const CARRIER_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface MoFields {
  readonly source: string;
  readonly destination: string;
  readonly text: string;
  /** One part of a concatenated MO (UDH or SAR numbering): the dlr service reassembles. */
  readonly concat?: { readonly reference: number; readonly total: number; readonly seq: number };
}

/**
 * A mobile-originated message (or one part of a long one) as an sms.mo.raw event (a fresh id:
 * the same words twice are two MOs).
 */
export function moRawEventOf(
  carrierId: string,
  mo: MoFields,
  receivedAt: Date,
): Mapped<SmsMoRawEvent> {
  const candidate = {
    ...newEnvelope(receivedAt),
    carrierId,
    source: mo.source,
    destination: mo.destination,
    text: mo.text,
    receivedAt: receivedAt.toISOString(),
    ...(mo.concat ? { concat: mo.concat } : {}),
  };
  return mapCarrierEvent(SMS_MO_RAW, candidate);
}
