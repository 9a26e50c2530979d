import { z } from 'zod';

import { defineTopic } from '../topic';
import { carrierId, eventEnvelope, messageId, tenantId } from './common';

/**
 * connector -> dlr: the carrier accepted every part (submit_sm_resp ESME_ROK) and gave these
 * ids. The dlr service stores them to correlate the receipts that follow.
 */
export const smsSentEvent = z.object({
  ...eventEnvelope,
  messageId,
  tenantId,
  carrierId,
  routeId: z.string().min(1),
  parts: z
    .array(z.object({ partIndex: z.int().min(0), carrierMessageId: z.string().min(1).max(65) }))
    .min(1),
});
export type SmsSentEvent = z.infer<typeof smsSentEvent>;

export const SMS_SENT = defineTopic({
  name: 'sms.sent.v1',
  schema: smsSentEvent,
  keyOf: (event) => event.messageId,
  partitions: 6,
});
