import { z } from 'zod';

import { defineTopic } from '../topic';
import { carrierId, eventEnvelope, messageId, tenantId } from './common';
import { receiptState } from './sms-dlr-raw.event';

/**
 * dlr -> operators (and a trigger's webhook): a DLR trigger matched a message's final receipt
 * and acted. Published on the ops topic by `ops_topic` triggers; the body of `webhook`
 * triggers' calls. Keyed by message id.
 */
export const dlrTriggerEvent = z.object({
  ...eventEnvelope,
  type: z.literal('dlr.trigger'),
  triggerId: z.string().min(1),
  action: z.enum(['webhook', 'ops_topic', 'reroute']),
  messageId,
  tenantId,
  carrierId,
  routeId: z.string().optional(),
  /** The message's aggregated receipt state on that carrier. */
  state: receiptState,
  errorCode: z.string().max(32).optional(),
  /** The carrier's own words, e.g. UNDELIV. */
  rawState: z.string().max(32).optional(),
  detail: z.string().max(512).optional(),
});
export type DlrTriggerEvent = z.infer<typeof dlrTriggerEvent>;

export const OPS_DLR_TRIGGERS = defineTopic({
  name: 'ops.dlr-triggers.v1',
  schema: dlrTriggerEvent,
  keyOf: (event) => event.messageId,
  partitions: 3,
});
