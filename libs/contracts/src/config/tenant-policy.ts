import { z } from 'zod';

import { priorityClass } from '../events/common';

/**
 * A tenant's usage policy as operators write it (admin API) and the policy service applies it.
 * Stored versioned in PostgreSQL; every version is one of these documents. Wire contract for
 * the admin API: add optional fields, never change the meaning of existing ones.
 */

/** Which destinations a rule covers. Deny wins over allow. */
export const destinationMatcher = z.union([
  /** E.164 digits without "+", e.g. "4915" (German mobile). */
  z.strictObject({ prefix: z.string().regex(/^[1-9]\d{0,14}$/, 'E.164 digits without "+"') }),
  /** ISO 3166-1 alpha-2 country of the destination number, e.g. "DE". */
  z.strictObject({ country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2, e.g. "DE"') }),
  /** One explicit number. */
  z.strictObject({ number: z.string().regex(/^\+[1-9]\d{6,14}$/, 'E.164 number') }),
  /** A regular expression (JavaScript, unicode mode) on the E.164 number (with "+"). */
  z.strictObject({
    pattern: z.string().min(1).max(256).refine(isRegExp, 'a valid regular expression'),
  }),
]);
export type DestinationMatcher = z.infer<typeof destinationMatcher>;

/** An IANA time zone the platform knows, e.g. "Europe/Berlin", or "UTC". */
export const timeZoneName = z
  .string()
  .min(1)
  .refine(isTimeZone, 'an IANA time zone, e.g. "Europe/Berlin"');

export const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');

/** A time-of-day window in which the covered classes may be sent. */
export const sendWindow = z.strictObject({
  /** The classes it applies to; the others (typically otp) are exempt. */
  classes: z.array(priorityClass).min(1),
  /** ISO weekdays 1 (Monday) to 7 (Sunday); absent means every day. */
  days: z.array(z.int().min(1).max(7)).min(1).optional(),
  from: localTime,
  /** Exclusive. A window may cross midnight (from 22:00 to 06:00). */
  to: localTime,
  /** An IANA zone, or "destination" for the destination country's zone. Default: the policy's. */
  timeZone: z.union([z.literal('destination'), timeZoneName]).optional(),
  /** Outside the window: hold the message until the next opening, or reject it. */
  outside: z.enum(['defer', 'reject']).default('defer'),
});
export type SendWindow = z.infer<typeof sendWindow>;

export const tenantPolicyDocument = z.strictObject({
  /** The tenant's own zone, for windows without one and for the monthly quota's month. */
  timeZone: timeZoneName.default('UTC'),
  destinations: z
    .strictObject({
      /** Empty: every destination is allowed unless denied. */
      allow: z.array(destinationMatcher).default([]),
      deny: z.array(destinationMatcher).default([]),
    })
    .default({ allow: [], deny: [] }),
  /** Traffic control. Absent: unlimited. */
  rate: z
    .strictObject({
      messagesPerSecond: z.number().positive().max(100_000),
      burst: z.int().min(1).max(1_000_000),
      /** Messages handed to carriers and not yet answered (sent or failed). */
      maxInFlight: z.int().min(1).optional(),
      /** Over the limit: reject (HTTP 429 / RESOURCE_EXHAUSTED) or queue and pace. */
      overLimit: z.enum(['reject', 'queue']).default('reject'),
      /**
       * The classes the rate and maxInFlight apply to. The others neither count against them
       * nor wait for or are refused by them: by default otp, so that a bulk campaign held to
       * the rate never delays a one-time password. List otp to limit it too (it then shares
       * the rate, and may wait behind the others).
       */
      classes: z.array(priorityClass).min(1).default(['transactional', 'bulk']),
    })
    .optional(),
  windows: z.array(sendWindow).default([]),
  /** Calendar-month limits in the policy's time zone. Absent: unlimited. */
  monthlyQuota: z
    .strictObject({
      messages: z.int().min(0).optional(),
      parts: z.int().min(0).optional(),
      /** A usage-warning event goes out once per month when usage crosses this share. */
      warnAtPercent: z.int().min(1).max(100).default(80),
    })
    .optional(),
  /** Prepaid tenants have the price reserved before sending; postpaid are billed after. */
  billing: z
    .strictObject({
      mode: z.enum(['prepaid', 'postpaid']).default('postpaid'),
      /** When the tenant is charged: on submit, or on delivery (failures refunded). */
      chargeOn: z.enum(['submit', 'delivery']).default('submit'),
    })
    .default({ mode: 'postpaid', chargeOn: 'submit' }),
  /** Consult the tenant's suppression (opt-out) list before sending. */
  useSuppressionList: z.boolean().default(true),
});
export type TenantPolicyDocument = z.infer<typeof tenantPolicyDocument>;
/** What an operator may send: every defaulted field optional. */
export type TenantPolicyInput = z.input<typeof tenantPolicyDocument>;

/**
 * The zone a tenant's calendar months are counted in, from its current stored policy document
 * (undefined: the tenant has none): the document's `timeZone`, else UTC. The policy service
 * counts the monthly quota in it, and the tenant's GET /v1/usage and the admin usage report
 * count months in it. A document that does not parse counts in UTC, as ingress does (the policy
 * service rejects that tenant's messages, so no counter moves).
 */
export function policyTimeZone(document: unknown): string {
  const parsed = tenantPolicyDocument.safeParse(document);
  return parsed.success ? parsed.data.timeZone : 'UTC';
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function isRegExp(source: string): boolean {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}
