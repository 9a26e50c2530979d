import {
  CARRIER_HAS_IT_ERROR,
  DEAD_LETTERED,
  type DeadLetterEvent,
  type MessageStatus,
  SMS_ACCEPTED,
  SMS_OUTBOUND,
  SMS_REROUTE,
  SMS_SUBMITTED,
  type SmsStatusEvent,
  derivedEnvelope,
  isFinalStatus,
  statusRank,
  topicForPhysicalName,
} from '@tuxhat/contracts';

import { fieldOf, parseJson } from './payload-fields';

/**
 * The topics that carry a message towards its carrier, each read by the one service that moves
 * it on (policy, routing, a connector): when that service gives an event up, nothing else ever
 * moves the message again. Every other dead letter leaves the message where it goes anyway: a
 * status that did not reach the history, accounting or a DLR path (sms.status), a receipt
 * (sms.dlr.raw: the dlr's expiry still ends the message) or sms.sent (the carrier has the
 * message: failing it would tell the tenant something untrue; dead-lettered-sent.ts records
 * what the dlr could not).
 */
const DELIVERY_PATH: ReadonlySet<string> = new Set([
  SMS_SUBMITTED.name,
  SMS_ACCEPTED.name,
  SMS_REROUTE.name,
  SMS_OUTBOUND.name,
]);

/** A message a dead letter left on its way, as far as the dead letter tells. */
export interface StrandedMessage {
  readonly messageId: string;
  /** The tenant the payload names, if it names one: checked against the stored message. */
  readonly tenantId: string | undefined;
  readonly deadLetter: DeadLetterEvent;
}

/**
 * The message this dead letter strands, or undefined when it strands none: not an event of the
 * delivery path, a connector's event whose carrier has the message (its reason starts with
 * CARRIER_HAS_IT_ERROR), or a payload that names no message (not even JSON). A record that did
 * not match its schema still names its message when its JSON has `message.messageId`.
 */
export function strandedMessageOf(deadLetter: DeadLetterEvent): StrandedMessage | undefined {
  const topic = topicForPhysicalName(deadLetter.originalTopic);
  if (!topic || !DELIVERY_PATH.has(topic.name)) return undefined;
  if (deadLetter.reason.startsWith(`${CARRIER_HAS_IT_ERROR}:`)) return undefined;
  const message = fieldOf(parseJson(deadLetter.payload), 'message');
  const messageId = fieldOf(message, 'messageId');
  if (typeof messageId !== 'string' || messageId.length === 0) return undefined;
  const tenantId = fieldOf(message, 'tenantId');
  return {
    messageId,
    tenantId: typeof tenantId === 'string' ? tenantId : undefined,
    deadLetter,
  };
}

/** A message as stored, for the settlement's decision. */
export interface StoredMessage {
  readonly tenantId: string;
  readonly status: MessageStatus;
  /** Carrier ids are recorded for it (the dlr stored a carrier's sms.sent). */
  readonly atCarrier: boolean;
}

export type Verdict =
  /** Fail it: nothing will move it on. */
  | 'settle'
  /** No such message, or another tenant's than the payload says: nothing to settle. */
  | 'unknown'
  /** Already final (a replay of a settled one, or it ended another way): left as it is. */
  | 'final'
  /** A carrier has it (`sent`, or carrier ids recorded): its receipt or expiry ends it. */
  | 'at-carrier';

export function verdictOn(stranded: StrandedMessage, stored: StoredMessage | undefined): Verdict {
  const closed = closedVerdict(stranded.tenantId, stored);
  if (closed !== undefined || stored === undefined) return closed ?? 'unknown';
  if (stored.atCarrier || statusRank(stored.status) >= statusRank('sent')) return 'at-carrier';
  return 'settle';
}

/**
 * Why any dead letter naming a message leaves it alone, whatever its topic: no such message,
 * another tenant's than the payload says (a payload that names no tenant is found by its id
 * alone), or final already. Undefined when the message is open.
 */
export function closedVerdict(
  claimedTenantId: string | undefined,
  stored: StoredMessage | undefined,
): 'unknown' | 'final' | undefined {
  if (!stored) return 'unknown';
  if (claimedTenantId !== undefined && claimedTenantId !== stored.tenantId) return 'unknown';
  return isFinalStatus(stored.status) ? 'final' : undefined;
}

/**
 * The `failed` status that settles a stranded message, published like every other failure
 * (the history, accounting, policy's in-flight and prepaid release and the tenant's DLR paths
 * take it from sms.status). Its id derives from the message alone: however many dead letters
 * strand a message, and however often one is delivered, it is settled by one event.
 */
export function settlementOf(
  stranded: StrandedMessage,
  tenantId: string,
  now: Date,
): SmsStatusEvent {
  const { consumerGroup, originalTopic, attempts, reason } = stranded.deadLetter;
  return {
    ...derivedEnvelope(`dead-lettered:${stranded.messageId}`, 'status', now),
    messageId: stranded.messageId,
    tenantId,
    status: 'failed',
    detail:
      `dead-lettered by ${consumerGroup} on ${originalTopic} after ${attempts} attempt(s): ${reason}`.slice(
        0,
        512,
      ),
    source: 'dlr',
    errorCode: DEAD_LETTERED,
  };
}
