import {
  ACCOUNTING_RECORD_VERSION,
  type AccountingRecordEvent,
  type PriceAdjustment,
  deterministicUuid,
  isRecordFinalStatus,
  priceAdjustment,
} from '@tuxhat/contracts';
import type { AccountingRecord } from '@tuxhat/database';
import { z } from 'zod';

import { asPriorityClass } from './message-history';

/** The id every publication of one revision of a message's record carries. */
export function accountingRecordEventId(messageId: string, revision: number): string {
  return deterministicUuid(`accounting-record/${messageId}/${revision}`);
}

/** The fields of an accounting_records row the record carries. */
export type RecordRow = Pick<
  AccountingRecord,
  | 'messageId'
  | 'revision'
  | 'tenantId'
  | 'classOfService'
  | 'source'
  | 'destination'
  | 'country'
  | 'network'
  | 'clientReference'
  | 'metadata'
  | 'routeId'
  | 'carrierId'
  | 'parts'
  | 'encoding'
  | 'finalStatus'
  | 'errorCode'
  | 'costMinor'
  | 'costCurrency'
  | 'priceMinor'
  | 'priceCurrency'
  | 'billingMode'
  | 'chargeOn'
  | 'charged'
  | 'listPriceMinor'
  | 'tariffId'
  | 'adjustments'
  | 'acceptedAt'
  | 'routedAt'
  | 'sentAt'
  | 'finalAt'
>;

const adjustments = z.array(priceAdjustment);
const labels = z.record(z.string().max(64), z.string().max(256));

/**
 * The tenant's labels as the record carries them: what `labels` accepts, else none. A plain
 * object of short strings (what ingress stores) is taken as it is: zod's parse of every record
 * was most of this mapping's cost.
 */
function labelsOf(value: unknown): Record<string, string> | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    let plain = true;
    for (const [key, label] of Object.entries(value))
      if (key.length > 64 || typeof label !== 'string' || label.length > 256) plain = false;
    if (plain) return value as Record<string, string>;
  }
  const parsed = labels.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export function parseAdjustments(value: unknown): PriceAdjustment[] {
  // Most records have none: no validation to run.
  if (Array.isArray(value) && value.length === 0) return [];
  const parsed = adjustments.safeParse(value);
  return parsed.success ? parsed.data : [];
}

/**
 * A final accounting_records row as the record billing reads (on the topic and in exports):
 * one mapping, so both carry the very same fields.
 */
export function accountingRecordEventOf(row: RecordRow): AccountingRecordEvent {
  const { finalStatus, finalAt } = row;
  if (!finalStatus || !finalAt || row.revision < 1 || !isRecordFinalStatus(finalStatus))
    throw new Error(`accounting record of ${row.messageId} is not final`);
  const metadata = labelsOf(row.metadata);
  return {
    version: ACCOUNTING_RECORD_VERSION,
    eventId: accountingRecordEventId(row.messageId, row.revision),
    occurredAt: finalAt.toISOString(),
    messageId: row.messageId,
    revision: row.revision,
    tenantId: row.tenantId,
    classOfService: asPriorityClass(row.classOfService),
    source: row.source,
    destination: row.destination,
    ...(row.country ? { country: row.country } : {}),
    ...(row.network ? { network: row.network } : {}),
    ...(row.clientReference ? { clientReference: row.clientReference } : {}),
    ...(metadata ? { metadata } : {}),
    ...(row.routeId ? { routeId: row.routeId } : {}),
    ...(row.carrierId ? { carrierId: row.carrierId } : {}),
    parts: row.parts,
    encoding: row.encoding === 'ucs2' ? 'ucs2' : 'gsm7',
    finalStatus,
    ...(row.errorCode ? { errorCode: row.errorCode } : {}),
    cost: { minor: row.costMinor, currency: row.costCurrency },
    price: { minor: row.priceMinor, currency: row.priceCurrency },
    billing: {
      mode: row.billingMode === 'prepaid' ? 'prepaid' : 'postpaid',
      chargeOn: row.chargeOn === 'delivery' ? 'delivery' : 'submit',
      charged: row.charged,
      listPriceMinor: row.listPriceMinor,
      ...(row.tariffId ? { tariffId: row.tariffId } : {}),
      adjustments: parseAdjustments(row.adjustments),
    },
    acceptedAt: row.acceptedAt.toISOString(),
    ...(row.routedAt ? { routedAt: row.routedAt.toISOString() } : {}),
    ...(row.sentAt ? { sentAt: row.sentAt.toISOString() } : {}),
    finalAt: finalAt.toISOString(),
  };
}
