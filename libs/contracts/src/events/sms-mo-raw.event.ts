import { z } from 'zod';

import { defineTopic } from '../topic';
import { carrierId, eventEnvelope } from './common';

/**
 * connector -> dlr: a mobile-originated message (MO) as received from the carrier; a long MO
 * arrives as one event per part (see `concat`).
 */
export const smsMoRawEvent = z.object({
  ...eventEnvelope,
  carrierId,
  source: z.string().min(1).max(21),
  destination: z.string().min(1).max(21),
  text: z.string(),
  receivedAt: z.iso.datetime({ offset: true }),
  /**
   * Present when this MO is one part of a concatenated message (UDH or SAR numbering, as the
   * carrier sent it): `text` is this part's text only, and the dlr service puts the parts with
   * the same (carrierId, source, destination, reference, total) back together.
   */
  concat: z
    .object({
      /** 8-bit (UDH IE 0x00), 16-bit (IE 0x08) or SAR (sar_msg_ref_num) reference. */
      reference: z.int().min(0).max(0xffff),
      total: z.int().min(2).max(255),
      /** 1-based part number. */
      seq: z.int().min(1).max(255),
    })
    .refine((concat) => concat.seq <= concat.total, 'seq must not exceed total')
    .optional(),
});
export type SmsMoRawEvent = z.infer<typeof smsMoRawEvent>;

export const SMS_MO_RAW = defineTopic({
  name: 'sms.mo.raw.v1',
  schema: smsMoRawEvent,
  keyOf: (event) => event.destination,
  partitions: 6,
});
