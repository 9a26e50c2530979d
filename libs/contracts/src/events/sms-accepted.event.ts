import { z } from 'zod';

import { laneOfMessage } from '../lanes';
import { defineTopic } from '../topic';
import { eventEnvelope, messageFields } from './common';

/** policy -> routing: the tenant's policy let the message through. */
export const smsAcceptedEvent = z.object({
  ...eventEnvelope,
  message: messageFields,
  /** Which policy rule let it through, for the status history. */
  decision: z.string().min(1),
});
export type SmsAcceptedEvent = z.infer<typeof smsAcceptedEvent>;

export const SMS_ACCEPTED = defineTopic({
  name: 'sms.accepted.v1',
  schema: smsAcceptedEvent,
  keyOf: (event) => event.message.tenantId,
  laneOf: (event) => laneOfMessage(event.message),
  partitions: 6,
});
