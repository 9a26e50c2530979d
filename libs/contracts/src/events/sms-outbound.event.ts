import { z } from 'zod';

import { LANES, laneOfMessage, laneTopicName } from '../lanes';
import { defineTopic } from '../topic';
import { carrierId, eventEnvelope, messageFields } from './common';

/**
 * routing -> a carrier connector. A topic family: one Kafka topic per carrier
 * (`sms.outbound.v1.<carrierId>`), so a connector pod consumes only the carriers it holds
 * binds for. Keyed by message id to spread a carrier's traffic over its binds.
 */
export const smsOutboundEvent = z.object({
  ...eventEnvelope,
  message: messageFields,
  carrierId,
  routeId: z.string().min(1),
  /** 1 for the first try; routing increments it when it fails a message over. */
  attempt: z.int().min(1),
  /** Carriers already tried for this message (failover never goes back to them). */
  triedCarriers: z.array(carrierId).optional(),
  /** The carrier's price for this message (all parts), from the price table, when known. */
  cost: z.object({ minor: z.int().min(0), currency: z.string().length(3) }).optional(),
});
export type SmsOutboundEvent = z.infer<typeof smsOutboundEvent>;

export const SMS_OUTBOUND = defineTopic({
  name: 'sms.outbound.v1',
  schema: smsOutboundEvent,
  keyOf: (event) => event.message.messageId,
  physicalName: (event) => outboundTopicFor(event.carrierId),
  laneOf: (event) => laneOfMessage(event.message),
  partitions: 6,
});

/**
 * Every physical outbound topic a connector holding binds for `carrier` consumes. Use this,
 * not outboundTopicFor, to subscribe: classes of service may get their own lanes.
 */
export function outboundTopicsFor(carrier: string): string[] {
  return LANES.map((lane) => laneTopicName(outboundTopicFor(carrier), lane));
}

export function outboundTopicFor(carrier: string): string {
  return `${SMS_OUTBOUND_PREFIX}${carrier}`;
}
export const SMS_OUTBOUND_PREFIX = 'sms.outbound.v1.';
