import { z } from 'zod';

import { carrierId, priorityClass, tenantId } from '../events/common';
import { localTime, timeZoneName } from './tenant-policy';

/**
 * The routing configuration as operators write it (admin API) and the routing service applies
 * it: rules, server groups, number ranges, carrier prices (libs/services/routing/README.md).
 * Wire contract for the admin API: add optional fields, never change the meaning of existing ones.
 */

export const ROUTING_STRATEGIES = ['failover', 'weighted', 'least_cost'] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

const SLASHED = /^\/(.*)\/([a-z]*)$/s;

/**
 * A content pattern is a JavaScript regular expression, tested in unicode mode: either bare
 * (`^STOP\b`) or slashed with flags i, m, s (`/^stop\b/i`). Stateful flags (g, y) are refused:
 * they would make one message's match depend on the one before. Throws with the reason.
 */
export function compileContentPattern(source: string): RegExp {
  const slashed = SLASHED.exec(source);
  const flags = new Set(slashed?.[2] ?? '');
  flags.delete('u');
  const refused = [...flags].filter((flag) => !'ims'.includes(flag));
  if (refused.length > 0) throw new Error(`flag(s) ${refused.join('')} not allowed (only i, m, s)`);
  return new RegExp(slashed ? slashed[1] : source, `${[...flags].join('')}u`);
}

export const contentPattern = z
  .string()
  .min(1)
  .max(512)
  .superRefine((source, context) => {
    try {
      compileContentPattern(source);
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });

/** E.164 digits, "+" optional: "+38267", "4915". */
export const e164Prefix = z.string().regex(/^\+?[1-9]\d{0,14}$/, 'an E.164 prefix, e.g. "+38267"');
const rangePrefix = z.string().regex(/^[1-9]\d{0,14}$/, 'E.164 digits without "+", e.g. "38267"');
const pricePrefix = z
  .string()
  .regex(/^([1-9]\d{0,14})?$/, 'E.164 digits without "+", or "" for every destination');
export const ruleId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lowercase slug');

/** Conditions of a rule: null (or absent) matches anything; all set ones must hold. */
export const routingRuleConditions = {
  tenantId: tenantId.nullable(),
  /** otp, transactional or bulk; a message without one is transactional. */
  classOfService: priorityClass.nullable(),
  destinationPrefix: e164Prefix.nullable(),
  /** ISO 3166-1 alpha-2 of the destination, as libphonenumber-js resolves it. */
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2, e.g. "ME"')
    .nullable(),
  /** A network name of the number_ranges table. */
  network: z.string().min(1).max(64).nullable(),
  /** Sender id, compared ignoring case. */
  sender: z.string().min(1).max(16).nullable(),
  /** Matches the sender or the destination. */
  shortCode: z
    .string()
    .regex(/^\d{3,8}$/, '3 to 8 digits')
    .nullable(),
  /** The first word of the text, compared ignoring case. */
  keyword: z
    .string()
    .regex(/^\S{1,32}$/, 'one word')
    .nullable(),
  contentPattern: contentPattern.nullable(),
  /** Local time window [windowStart, windowEnd) in timeZone (default UTC); may span midnight. */
  timeZone: timeZoneName.nullable(),
  windowStart: localTime.nullable(),
  windowEnd: localTime.nullable(),
  /** ISO weekdays (1 = Monday) the window starts on; empty = every day. */
  windowDays: z.array(z.int().min(1).max(7)).max(7),
};

/** Every field of a rule: the conditions, its place in the order and its target. */
export const routingRuleFields = {
  priority: z.int().min(0).max(1_000_000),
  enabled: z.boolean(),
  ...routingRuleConditions,
  carrierId: carrierId.nullable(),
  serverGroupId: ruleId.nullable(),
};

/** A whole rule as stored, checked as a whole (one target, a complete window). */
export const routingRuleDocument = z
  .strictObject(routingRuleFields)
  .superRefine((rule, context) => {
    if ((rule.carrierId === null) === (rule.serverGroupId === null)) {
      context.addIssue({
        code: 'custom',
        path: [rule.carrierId === null ? 'carrierId' : 'serverGroupId'],
        message: 'give exactly one of carrierId and serverGroupId',
      });
    }
    if ((rule.windowStart === null) !== (rule.windowEnd === null)) {
      context.addIssue({
        code: 'custom',
        path: [rule.windowStart === null ? 'windowStart' : 'windowEnd'],
        message: 'windowStart and windowEnd go together',
      });
    }
    if (rule.windowStart === null && (rule.windowDays.length > 0 || rule.timeZone !== null)) {
      context.addIssue({
        code: 'custom',
        path: ['windowStart'],
        message: 'windowDays and timeZone need a window (windowStart, windowEnd)',
      });
    }
  });
export type RoutingRuleDocument = z.infer<typeof routingRuleDocument>;

export const serverGroupMember = z.strictObject({
  carrierId,
  /** Lower first: failover order; weighted: members at one position form a balanced tier. */
  position: z.int().min(0).max(1_000).default(0),
  /** Share within a tier (weighted) or among equally cheap members (least_cost); 0 = standby. */
  weight: z.int().min(0).max(1_000_000).default(1),
});

export const serverGroupDocument = z.strictObject({
  name: z.string().trim().min(1).max(128),
  strategy: z.enum(ROUTING_STRATEGIES),
  members: z
    .array(serverGroupMember)
    .min(1)
    .max(64)
    .superRefine((members, context) => {
      const seen = new Set<string>();
      members.forEach((member, index) => {
        if (seen.has(member.carrierId)) {
          context.addIssue({
            code: 'custom',
            path: [index, 'carrierId'],
            message: `carrier ${member.carrierId} is already a member`,
          });
        }
        seen.add(member.carrierId);
      });
    }),
});
export type ServerGroupDocument = z.infer<typeof serverGroupDocument>;

export const numberRangeDocument = z.strictObject({
  prefix: rangePrefix,
  network: z.string().min(1).max(64),
});

/** What a carrier charges per SMS part to destinations under `prefix`, in minor units. */
export const carrierPriceDocument = z.strictObject({
  carrierId,
  prefix: pricePrefix,
  classOfService: priorityClass.nullable(),
  priceMinor: z.int().min(0).max(1_000_000_000),
  currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217, e.g. "EUR"'),
});
