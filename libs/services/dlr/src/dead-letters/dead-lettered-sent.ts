import {
  type DeadLetterEvent,
  SMS_SENT,
  type SmsSentEvent,
  type SmsStatusEvent,
  carrierId as carrierIdSchema,
  deterministicUuid,
  smsSentEvent,
  statusRank,
  topicForPhysicalName,
} from '@tuxhat/contracts';

import { type StoredMessage, closedVerdict } from './dead-letter-settlement';
import { fieldOf, parseJson, textFieldOf } from './payload-fields';

/**
 * An sms.sent the dlr gave up on (its recording kept failing, or it did not match its schema):
 * the carrier has the message, but without what recording it makes sure of (carrier ids, an
 * expiry deadline, `sent`) nothing would ever end it. What the payload tells, field by field.
 */
export interface DeadLetteredSent {
  readonly messageId: string;
  /** The tenant the payload names, if it names one: checked against the stored message. */
  readonly tenantId: string | undefined;
  /** The carrier that took it, when the payload names a valid one. */
  readonly carrierId: string | undefined;
  readonly routeId: string | undefined;
  /** Parts the carrier took, when the payload lists them. */
  readonly partCount: number | undefined;
  /** The payload as a valid sms.sent: only then are its carrier ids recorded. */
  readonly event: SmsSentEvent | undefined;
  /**
   * The id of the `sent` status: the one the dlr's sms.sent handler gives it (derived from the
   * sms.sent's event id), so a replay of the sms.sent once fixed adds no second `sent`.
   */
  readonly statusEventId: string;
  readonly deadLetter: DeadLetterEvent;
}

/** The sms.sent this dead letter holds, or undefined: another topic, or no message id in it. */
export function deadLetteredSentOf(deadLetter: DeadLetterEvent): DeadLetteredSent | undefined {
  if (topicForPhysicalName(deadLetter.originalTopic)?.name !== SMS_SENT.name) return undefined;
  const payload = parseJson(deadLetter.payload);
  const messageId = textFieldOf(payload, 'messageId');
  if (!messageId) return undefined;
  const parsed = smsSentEvent.safeParse(payload);
  const carrierId = carrierIdSchema.safeParse(fieldOf(payload, 'carrierId'));
  const parts = fieldOf(payload, 'parts');
  const sentEventId = textFieldOf(payload, 'eventId') ?? `dead-lettered-sent:${messageId}`;
  return {
    messageId,
    tenantId: textFieldOf(payload, 'tenantId'),
    carrierId: carrierId.success ? carrierId.data : undefined,
    routeId: textFieldOf(payload, 'routeId'),
    partCount: Array.isArray(parts) && parts.length > 0 ? parts.length : undefined,
    event: parsed.success ? parsed.data : undefined,
    statusEventId: deterministicUuid(`${sentEventId}/status`),
    deadLetter,
  };
}

export type SentVerdict =
  /** Record what the sms.sent would have: the carrier has it and nothing else will end it. */
  | 'record'
  /** No such message, or another tenant's than the payload says. */
  | 'unknown'
  /** Already final (a receipt or an expiry ended it, or a copy of this dead letter did). */
  | 'final';

export function verdictOnSent(
  sent: DeadLetteredSent,
  stored: StoredMessage | undefined,
): SentVerdict {
  return closedVerdict(sent.tenantId, stored) ?? 'record';
}

/**
 * The `sent` status a message the carrier took is owed, naming the dead letter; undefined when
 * it has reached `sent` already (the history has one: a copy of this dead letter, or the dlr
 * published it before giving up).
 */
export function sentStatusOf(
  sent: DeadLetteredSent,
  stored: StoredMessage,
  now: Date,
): SmsStatusEvent | undefined {
  if (statusRank(stored.status) >= statusRank('sent')) return undefined;
  const { consumerGroup, attempts, reason } = sent.deadLetter;
  const carrier = sent.carrierId ? `carrier ${sent.carrierId}` : 'the carrier';
  return {
    version: 1,
    eventId: sent.statusEventId,
    occurredAt: now.toISOString(),
    messageId: sent.messageId,
    tenantId: stored.tenantId,
    status: 'sent',
    detail:
      `${carrier} accepted it; its sms.sent was dead-lettered by ${consumerGroup} after ${attempts} attempt(s), so it ends by its receipt or its expiry: ${reason}`.slice(
        0,
        512,
      ),
    source: 'dlr',
    ...(sent.carrierId ? { carrierId: sent.carrierId } : {}),
    ...(sent.routeId ? { routeId: sent.routeId } : {}),
  };
}
