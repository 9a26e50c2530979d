import { z } from 'zod';

import { defineTopic } from '../topic';
import { carrierId, eventEnvelope } from './common';

/** connector -> dlr: a mobile-originated message (MO) as received from the carrier. */
export const smsMoRawEvent = z.object({
  ...eventEnvelope,
  carrierId,
  source: z.string().min(1).max(21),
  destination: z.string().min(1).max(21),
  text: z.string(),
  receivedAt: z.iso.datetime({ offset: true }),
});
export type SmsMoRawEvent = z.infer<typeof smsMoRawEvent>;

export const SMS_MO_RAW = defineTopic({
  name: 'sms.mo.raw.v1',
  schema: smsMoRawEvent,
  keyOf: (event) => event.destination,
  partitions: 6,
});
