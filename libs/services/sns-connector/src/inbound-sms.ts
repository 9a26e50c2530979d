import { type Mapped, mapCarrierEvent } from '@tuxhat/connector-kit';
import { SMS_MO_RAW, type SmsMoRawEvent, derivedEnvelope } from '@tuxhat/contracts';

import { jsonObjectOf } from './json-object';

/**
 * The sms.mo.raw event of one SQS message of a carrier's inbound queue. AWS publishes each
 * inbound SMS of a two-way number to an SNS topic as JSON (`originationNumber`,
 * `destinationNumber`, `messageBody`, `inboundMessageId`, ...); the queue subscribed to the topic
 * gets it inside SNS's notification envelope (`Type: Notification`, the JSON in `Message`, the
 * publish time in `Timestamp`), or as is with raw message delivery. The event id derives from
 * the carrier and `inboundMessageId`, so a message SQS delivers twice is the same event (the dlr
 * routes an MO once per event id). AWS hands the whole text over, long ones reassembled: no
 * `concat`.
 */
export function inboundSmsEventOf(
  carrierId: string,
  body: string,
  now: Date,
): Mapped<SmsMoRawEvent> {
  const outer = jsonObjectOf(body);
  if (!outer) return { ok: false, reason: 'the body is not a JSON object' };
  const enveloped = outer['Type'] === 'Notification' && typeof outer['Message'] === 'string';
  const inner = enveloped ? jsonObjectOf(outer['Message'] as string) : outer;
  if (!inner) return { ok: false, reason: 'the notification Message is not a JSON object' };
  const { originationNumber, destinationNumber, messageBody, inboundMessageId } = inner;
  if (
    typeof originationNumber !== 'string' ||
    typeof destinationNumber !== 'string' ||
    typeof messageBody !== 'string' ||
    typeof inboundMessageId !== 'string' ||
    inboundMessageId === ''
  ) {
    return {
      ok: false,
      reason:
        'not an inbound SMS: originationNumber, destinationNumber, messageBody and inboundMessageId are required strings',
    };
  }
  const published = enveloped ? Date.parse(String(outer['Timestamp'])) : Number.NaN;
  const receivedAt = Number.isNaN(published) ? now : new Date(published);
  return mapCarrierEvent(SMS_MO_RAW, {
    ...derivedEnvelope(`sns-inbound/${carrierId}/${inboundMessageId}`, 'mo', now),
    carrierId,
    source: originationNumber,
    destination: destinationNumber,
    text: messageBody,
    receivedAt: receivedAt.toISOString(),
  });
}
