import { z } from 'zod';

import { defineTopic } from '../topic';
import { carrierId, eventEnvelope, messageId, messageStatus, tenantId } from './common';

/**
 * Any service -> the status projector, accounting and (later) the tenant's DLR paths: one step
 * in a message's life. Keyed by message id.
 */
export const smsStatusEvent = z.object({
  ...eventEnvelope,
  messageId,
  tenantId,
  status: messageStatus,
  /** Why: the rule, the carrier's answer, the error. Shown in the status history. */
  detail: z.string().max(512).optional(),
  /** The service that decided it. */
  source: z.string().min(1),
  carrierId: carrierId.optional(),
  routeId: z.string().optional(),
  /** Carrier or SMPP error code, when the status is an error. */
  errorCode: z.string().max(32).optional(),
  /** On `routed`: the chosen carrier's price for the message (all parts), for accounting. */
  cost: z.object({ minor: z.int().min(0), currency: z.string().length(3) }).optional(),
});
export type SmsStatusEvent = z.infer<typeof smsStatusEvent>;

export const SMS_STATUS = defineTopic({
  name: 'sms.status.v1',
  schema: smsStatusEvent,
  keyOf: (event) => event.messageId,
  partitions: 6,
});
