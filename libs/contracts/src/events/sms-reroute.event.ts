import { z } from 'zod';

import { laneOfMessage } from '../lanes';
import { defineTopic } from '../topic';
import { carrierId, eventEnvelope, messageFields } from './common';

/**
 * connector or dlr -> routing: this carrier could not deliver the message and another may.
 * Sent on connection loss, timeout or a retryable carrier error (connectors), or by a DLR
 * trigger (dlr). Routing picks the next healthy candidate not yet tried, up to its attempt
 * limit, or records the message as failed.
 */
export const smsRerouteEvent = z.object({
  ...eventEnvelope,
  message: messageFields,
  /** The carrier that failed and the route it was on. */
  carrierId,
  routeId: z.string().min(1),
  /** The attempt that failed (the outbound event's attempt). */
  attempt: z.int().min(1),
  triedCarriers: z.array(carrierId),
  reason: z.string().max(512),
  errorCode: z.string().max(32).optional(),
  /**
   * From a connector: whether the carrier may have the message (a timeout, a link lost while
   * waiting for the answer) or surely has not (no bind up, refused before it was sent). Routing
   * may send a message the carrier surely has not got to that carrier again later.
   */
  mayHaveReached: z.boolean().optional(),
  /** Who asked: a connector, or a DLR trigger. */
  source: z.string().min(1),
});
export type SmsRerouteEvent = z.infer<typeof smsRerouteEvent>;

export const SMS_REROUTE = defineTopic({
  name: 'sms.reroute.v1',
  schema: smsRerouteEvent,
  keyOf: (event) => event.message.messageId,
  laneOf: (event) => laneOfMessage(event.message),
  partitions: 6,
});
