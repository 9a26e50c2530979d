import { z } from 'zod';

import { laneOfMessage } from '../lanes';
import { defineTopic } from '../topic';
import { eventEnvelope, messageFields } from './common';

/** ingress -> policy: a tenant handed us a message. Keyed by tenant so one policy consumer owns a tenant's counters. */
export const smsSubmittedEvent = z.object({ ...eventEnvelope, message: messageFields });
export type SmsSubmittedEvent = z.infer<typeof smsSubmittedEvent>;

export const SMS_SUBMITTED = defineTopic({
  name: 'sms.submitted.v1',
  schema: smsSubmittedEvent,
  keyOf: (event) => event.message.tenantId,
  laneOf: (event) => laneOfMessage(event.message),
  partitions: 6,
});
