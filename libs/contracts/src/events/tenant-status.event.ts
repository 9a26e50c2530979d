import { z } from 'zod';

import { defineTopic } from '../topic';
import { eventEnvelope, messageId, messageStatus, tenantId } from './common';

/**
 * dlr -> a tenant: one step in the life of one of its messages, as the tenant's customized DLR
 * paths deliver it: the body of a status webhook and the record on the tenant's own topic
 * (`tenant.<tenant>.status.v1`). The event id is the sms.status event's: receivers de-duplicate
 * on it. Carrier, route and cost stay internal.
 */
export const tenantStatusEvent = z.object({
  ...eventEnvelope,
  type: z.literal('message.status'),
  messageId,
  tenantId,
  status: messageStatus,
  detail: z.string().max(512).optional(),
  /** Carrier or SMPP error code, when the status is an error. */
  errorCode: z.string().max(32).optional(),
  /** The tenant's own reference and labels from the submission, echoed back. */
  clientReference: z.string().max(128).optional(),
  metadata: z.record(z.string().max(64), z.string().max(256)).optional(),
});
export type TenantStatusEvent = z.infer<typeof tenantStatusEvent>;

/**
 * A topic family: one Kafka topic per tenant, created on demand by the dlr service when a tenant
 * has a Kafka DLR path. Keyed by message id (a message's statuses stay in order).
 */
export const TENANT_STATUS = defineTopic({
  name: 'tenant.status.v1',
  schema: tenantStatusEvent,
  keyOf: (event) => event.messageId,
  physicalName: (event) => tenantTopicFor(event.tenantId, 'status'),
  partitions: 3,
});

/**
 * A tenant's own topic (`tenant.<tenant>.<kind>.v1`). Characters Kafka does not allow in topic
 * names become `_`.
 */
export function tenantTopicFor(tenant: string, kind: 'status' | 'mo'): string {
  return `tenant.${tenant.replace(/[^a-zA-Z0-9_-]/g, '_')}.${kind}.v1`;
}
