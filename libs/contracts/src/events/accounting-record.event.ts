import { z } from 'zod';

import { defineTopic } from '../topic';
import {
  carrierId,
  e164,
  eventEnvelope,
  messageId,
  messageStatus,
  tenantId,
  textEncoding,
} from './common';

/**
 * accounting -> billing: one record per message once its state is final. Keyed by tenant.
 * Money is in integer minor units (cents) with an ISO 4217 currency.
 */
export const accountingRecordEvent = z.object({
  ...eventEnvelope,
  messageId,
  tenantId,
  destination: e164,
  source: z.string(),
  carrierId: carrierId.optional(),
  routeId: z.string().optional(),
  parts: z.int().min(1),
  encoding: textEncoding,
  finalStatus: messageStatus,
  costMinor: z.int(),
  priceMinor: z.int(),
  currency: z.string().length(3),
  acceptedAt: z.iso.datetime({ offset: true }),
  finalAt: z.iso.datetime({ offset: true }),
});
export type AccountingRecordEvent = z.infer<typeof accountingRecordEvent>;

export const ACCOUNTING_RECORDS = defineTopic({
  name: 'accounting.records.v1',
  schema: accountingRecordEvent,
  keyOf: (event) => event.tenantId,
  partitions: 6,
});
