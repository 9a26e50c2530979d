import { type Mapped, mapCarrierEvent } from '@tuxhat/connector-kit';
import {
  type ReceiptState,
  SMS_DLR_RAW,
  type SmsDlrRawEvent,
  derivedEnvelope,
} from '@tuxhat/contracts';

import { jsonObjectOf, objectOf } from './json-object';
import type { SnsCarrier } from './sns-carrier.repository';

/**
 * The CloudWatch Logs groups SNS writes an account's SMS delivery status to, in the carrier's
 * region: successes in the first, failures in the second (which exists from the first failure).
 */
export function deliveryStatusLogGroups(carrier: SnsCarrier): readonly string[] {
  const { deliveryStatus, region } = carrier.settings;
  if (!deliveryStatus) return [];
  const base = `sns/${region}/${deliveryStatus.accountId}/DirectPublishToPhoneNumber`;
  return [base, `${base}/Failure`];
}

/** A failure SNS reports, as a receipt state and a short code for DLR triggers to match. */
interface FailureReason {
  readonly state: ReceiptState;
  readonly code: string;
}

/**
 * SNS's `providerResponse` of a failed SMS (the reasons AWS documents for SMS delivery status),
 * lower-cased. The phone or carrier refusing the message is `rejected`; the phone or carrier not
 * reached is `undeliverable`. A reason not listed is `undeliverable` with code `FAILURE`.
 */
const FAILURE_REASONS: ReadonlyMap<string, FailureReason> = new Map([
  ['blocked as spam by phone carrier', { state: 'rejected', code: 'BLOCKED_AS_SPAM' }],
  ['destination is on a blocked list', { state: 'rejected', code: 'DESTINATION_BLOCKED' }],
  ['invalid phone number', { state: 'undeliverable', code: 'INVALID_PHONE_NUMBER' }],
  ['message body is invalid', { state: 'rejected', code: 'INVALID_MESSAGE_BODY' }],
  ['phone carrier has blocked this message', { state: 'rejected', code: 'CARRIER_BLOCKED' }],
  [
    'phone carrier is currently unreachable/unavailable',
    { state: 'undeliverable', code: 'CARRIER_UNREACHABLE' },
  ],
  ['phone has blocked sms', { state: 'rejected', code: 'PHONE_BLOCKED_SMS' }],
  ['phone is on a blocked list', { state: 'rejected', code: 'PHONE_BLOCKED' }],
  [
    'phone is currently unreachable/unavailable',
    { state: 'undeliverable', code: 'PHONE_UNREACHABLE' },
  ],
  ['phone number is opted out', { state: 'rejected', code: 'OPTED_OUT' }],
  ['this delivery would exceed max price', { state: 'rejected', code: 'MAX_PRICE_EXCEEDED' }],
  ['unknown error attempting to reach phone', { state: 'undeliverable', code: 'UNKNOWN_ERROR' }],
]);

const UNLISTED_FAILURE: FailureReason = { state: 'undeliverable', code: 'FAILURE' };

/** One CloudWatch log event of a delivery status log group. */
export interface DeliveryStatusLogEvent {
  readonly message: string;
  /** When SNS wrote the status (ms since the epoch). */
  readonly timestamp: number;
}

/**
 * The sms.dlr.raw event of one SMS delivery status record SNS wrote to CloudWatch Logs:
 *
 *     {"notification": {"messageId": "...", "timestamp": "..."},
 *      "delivery": {"destination": "+...", "providerResponse": "...", "priceInUSD": ...},
 *      "status": "SUCCESS" | "FAILURE"}
 *
 * `messageId` is the MessageId Publish answered (the id sms.sent recorded). SUCCESS (the phone's
 * carrier accepted it) is `delivered`; a FAILURE is `rejected` or `undeliverable` by its
 * `providerResponse`, whose code is the receipt's errorCode. rawState is SNS's word, SUCCESS or
 * FAILURE. The event id derives from the log group and the message id (SNS writes one status
 * per message), so a record read twice (overlapping reads, another pod) is the same event,
 * which the dlr records once. `accountCarrierIds`: every carrier reading these log groups (SNS
 * carriers on one account), as for SMPP carriers sharing an SMSC account.
 */
export function deliveryReceiptOf(
  carrierId: string,
  logGroup: string,
  logEvent: DeliveryStatusLogEvent,
  accountCarrierIds: readonly string[],
  now: Date,
): Mapped<SmsDlrRawEvent> {
  const record = jsonObjectOf(logEvent.message) ?? {};
  const messageId = objectOf(record['notification'])?.['messageId'];
  const status = record['status'];
  if (
    typeof messageId !== 'string' ||
    messageId === '' ||
    (status !== 'SUCCESS' && status !== 'FAILURE')
  ) {
    return {
      ok: false,
      reason:
        'not an SMS delivery status: notification.messageId and status SUCCESS or FAILURE are required',
    };
  }
  const response = objectOf(record['delivery'])?.['providerResponse'];
  const reason = typeof response === 'string' ? response.trim().toLowerCase() : '';
  const failure =
    status === 'FAILURE' ? (FAILURE_REASONS.get(reason) ?? UNLISTED_FAILURE) : undefined;
  return mapCarrierEvent(SMS_DLR_RAW, {
    ...derivedEnvelope(`sns-status/${logGroup}/${messageId}`, 'receipt', now),
    carrierId,
    carrierMessageId: messageId,
    state: failure ? failure.state : 'delivered',
    rawState: status,
    ...(failure ? { errorCode: failure.code } : {}),
    receivedAt: new Date(logEvent.timestamp).toISOString(),
    ...(accountCarrierIds.length > 1 ? { accountCarrierIds: [...accountCarrierIds] } : {}),
  });
}
