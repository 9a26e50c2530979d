import { z } from 'zod';

import { defineTopic } from '../topic';
import { eventEnvelope, tenantId } from './common';

/**
 * policy -> operators' and tenants' notifications: a tenant's monthly usage crossed the
 * warning threshold of its quota (monthlyQuota.warnAtPercent). At most one per tenant and
 * month: the event id is derived from tenant and month, so a repeat is a duplicate.
 */
export const tenantUsageWarningEvent = z.object({
  ...eventEnvelope,
  tenantId,
  /** Calendar month in the policy's time zone, "YYYY-MM". */
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM'),
  timeZone: z.string().min(1),
  /** The threshold that was crossed, in percent of the quota. */
  warnAtPercent: z.int().min(1).max(100),
  /** Usage when the warning was raised. */
  messages: z.int().min(0),
  parts: z.int().min(0),
  /** The quota; absent when that dimension is unlimited. */
  quotaMessages: z.int().min(0).optional(),
  quotaParts: z.int().min(0).optional(),
});
export type TenantUsageWarningEvent = z.infer<typeof tenantUsageWarningEvent>;

export const TENANT_USAGE_WARNING = defineTopic({
  name: 'tenant.usage-warning.v1',
  schema: tenantUsageWarningEvent,
  keyOf: (event) => event.tenantId,
  partitions: 3,
});
