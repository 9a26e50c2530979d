import { z } from 'zod';

import { FINAL_STATUSES, type MessageStatus } from '../message-status';
import { defineTopic } from '../topic';
import { carrierId, e164, messageId, priorityClass, tenantId, textEncoding } from './common';

/**
 * accounting -> billing: the accounting record of one message, published when its state is
 * final. Keyed by tenant. Documented for billing integrators in docs/accounting-records.md;
 * the JSON Schema a billing system can validate against is generated from this one
 * (libs/contracts/schemas/accounting-record.v2.schema.json, kept equal by a test).
 *
 * v2 replaced the walking skeleton's v1 (one currency for cost and price, no steps, no
 * revisions) before any release produced it; an incompatible change means a new version.
 *
 * Exactly one record per message, except for a correction: a later, carrier-confirmed final
 * state of a message whose state the gateway had only assumed (expired, unknown) is published
 * again with the same messageId and key and `revision` + 1. Keep the highest revision per
 * messageId.
 */
export const ACCOUNTING_RECORD_VERSION = 2;

const datetime = z.iso.datetime({ offset: true });
const currency = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code, e.g. EUR');

/** An amount of money: integer minor units (cents) of an ISO 4217 currency. */
export const money = z
  .object({
    minor: z.int().min(0).meta({ description: 'Integer minor units of the currency (cents).' }),
    currency: currency.meta({ description: 'ISO 4217 currency code.' }),
  })
  .meta({ description: 'An amount of money in integer minor units.' });
export type Money = z.infer<typeof money>;

/** The final states a record can carry (FINAL_STATUSES, as a literal list for the schema). */
export const RECORD_FINAL_STATUSES = [
  'delivered',
  'undeliverable',
  'expired',
  'rejected',
  'failed',
  'unknown',
] as const satisfies readonly MessageStatus[];
export const recordFinalStatus = z.enum(RECORD_FINAL_STATUSES);
export type RecordFinalStatus = z.infer<typeof recordFinalStatus>;

export function isRecordFinalStatus(status: MessageStatus): status is RecordFinalStatus {
  return FINAL_STATUSES.has(status);
}

export const billingMode = z.enum(['prepaid', 'postpaid']);
export const chargeOn = z.enum(['submit', 'delivery']);

/** Why the charged price differs from the list price, in the order the adjustments applied. */
export const priceAdjustment = z.object({
  rule: z.string().min(1).meta({ description: 'The billing rule, e.g. "free-otp-retry".' }),
  note: z.string().meta({ description: 'Why, for humans.' }),
  amountMinor: z.int().min(0).meta({ description: 'The price after this adjustment.' }),
});
export type PriceAdjustment = z.infer<typeof priceAdjustment>;

export const accountingRecordEvent = z
  .object({
    version: z
      .literal(ACCOUNTING_RECORD_VERSION)
      .meta({ description: 'Schema version of the record format.' }),
    eventId: z.uuid().meta({
      description:
        'Derived from messageId and revision: a record published again carries the same id.',
    }),
    occurredAt: datetime.meta({ description: 'When the message reached this final state.' }),
    messageId: messageId.meta({ description: "The gateway's message id (the record's identity)." }),
    revision: z.int().min(1).meta({
      description: '1 for the first final record; a correction of a published record adds 1.',
    }),
    tenantId: tenantId.meta({ description: 'The tenant; also the Kafka record key.' }),
    classOfService: priorityClass.meta({ description: 'otp, transactional or bulk.' }),
    source: z.string().meta({ description: 'Sender id (alphanumeric, short code or number).' }),
    destination: e164.meta({ description: 'E.164 destination number.' }),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional()
      .meta({ description: 'ISO 3166-1 alpha-2 country of the destination, when known.' }),
    network: z
      .string()
      .optional()
      .meta({ description: 'Mobile network of the destination (number ranges), when known.' }),
    clientReference: z
      .string()
      .max(128)
      .optional()
      .meta({ description: "The tenant's own reference for the message." }),
    metadata: z
      .record(z.string().max(64), z.string().max(256))
      .optional()
      .meta({ description: "The tenant's labels on the message." }),
    routeId: z
      .string()
      .optional()
      .meta({ description: 'The routing rule that chose the carrier.' }),
    carrierId: carrierId.optional().meta({ description: 'The carrier that handled the message.' }),
    parts: z.int().min(1).meta({ description: 'SMS parts (segments) of the message.' }),
    encoding: textEncoding.meta({ description: 'gsm7 or ucs2.' }),
    finalStatus: recordFinalStatus.meta({ description: 'The final state of the message.' }),
    errorCode: z
      .string()
      .max(32)
      .optional()
      .meta({ description: 'Carrier, SMPP or gateway error code of a failed message.' }),
    cost: money.meta({
      description:
        'What the carrier charges for the message (all parts); 0 when no carrier took it (rejected, failed).',
    }),
    price: money.meta({
      description:
        'What the tenant is charged: the tariff for all parts after billing rules and refunds.',
    }),
    billing: z
      .object({
        mode: billingMode.meta({ description: 'prepaid (reserved at submit) or postpaid.' }),
        chargeOn: chargeOn.meta({
          description: 'submit: every accepted message is charged; delivery: only delivered ones.',
        }),
        charged: z.boolean().meta({
          description:
            'Whether the tenant is charged for this message (a prepaid reservation is settled) or not (released).',
        }),
        listPriceMinor: z
          .int()
          .min(0)
          .meta({ description: 'The tariff for all parts, before rules and refunds.' }),
        tariffId: z
          .string()
          .optional()
          .meta({ description: 'The tariff applied; absent when none matched (price 0).' }),
        adjustments: z
          .array(priceAdjustment)
          .meta({ description: 'Why price differs from listPriceMinor, in order.' }),
      })
      .meta({ description: "How the tenant's billing settings priced the message." }),
    acceptedAt: datetime.meta({ description: 'When the gateway accepted the message.' }),
    routedAt: datetime.optional().meta({ description: 'When it was routed to a carrier.' }),
    sentAt: datetime.optional().meta({ description: 'When the carrier accepted it.' }),
    finalAt: datetime.meta({ description: 'When it reached its final state.' }),
  })
  .meta({
    title: 'TuxHat accounting record',
    description:
      'One record per message (accounting.records.v2, keyed by tenant). Keep the highest revision per messageId.',
  });
export type AccountingRecordEvent = z.infer<typeof accountingRecordEvent>;

export const ACCOUNTING_RECORDS = defineTopic({
  name: 'accounting.records.v2',
  schema: accountingRecordEvent,
  keyOf: (event) => event.tenantId,
  partitions: 6,
});
