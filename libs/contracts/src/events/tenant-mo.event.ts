import { z } from 'zod';

import { defineTopic } from '../topic';
import { carrierId, eventEnvelope, tenantId } from './common';
import { tenantTopicFor } from './tenant-status.event';

/**
 * dlr -> a tenant: a mobile-originated message (MO) routed to the tenant by its destination
 * (short code or number) and keyword: the body of an MO webhook and the record on the tenant's
 * own topic (`tenant.<tenant>.mo.v1`). Concatenated MOs arrive whole, or with the parts that
 * came by the reassembly timeout and the rest, if they come, as late fragments (`parts`,
 * `lateFragmentOf`).
 */
export const tenantMoEvent = z.object({
  ...eventEnvelope,
  type: z.literal('message.inbound'),
  tenantId,
  /** The sender (E.164 with `+` when the carrier marked it international). */
  source: z.string().min(1).max(21),
  /** The short code or number it was sent to. */
  destination: z.string().min(1).max(21),
  text: z.string(),
  /** The first word, upper-case ("" for an empty text). */
  keyword: z.string().max(160),
  /** The MO handler that routed it. */
  handlerId: z.string().min(1),
  carrierId,
  receivedAt: z.iso.datetime({ offset: true }),
  /** The MO's id: the same on every handler it reaches; what a late fragment links to. */
  moId: z.string().min(1),
  /**
   * Present when the MO came in parts: how many the handset sent, and which of them `text`
   * holds, in order. Fewer than `total` when the rest had not come by the reassembly timeout.
   */
  parts: z
    .object({
      total: z.int().min(2).max(255),
      included: z.array(z.int().min(1).max(255)).min(1),
    })
    .optional(),
  /**
   * Set on a late fragment: parts that came after the MO with this moId was routed without
   * them. `text` is those parts only; `keyword` is that MO's (it went to the same handler).
   */
  lateFragmentOf: z.string().min(1).optional(),
});
export type TenantMoEvent = z.infer<typeof tenantMoEvent>;

/** A topic family: one Kafka topic per tenant, created on demand. Keyed by sender. */
export const TENANT_MO = defineTopic({
  name: 'tenant.mo.v1',
  schema: tenantMoEvent,
  keyOf: (event) => event.source,
  physicalName: (event) => tenantTopicFor(event.tenantId, 'mo'),
  partitions: 3,
});
