import {
  type RoutingRuleDocument,
  carrierPriceDocument,
  numberRangeDocument,
  priorityClass,
  routingRuleDocument,
  routingRuleFields,
  ruleId,
  serverGroupDocument,
} from '@tuxhat/contracts';
import { fieldErrorsFromZod } from '@tuxhat/http-problem';
import { z } from 'zod';

import { AdminProblem } from '../core/admin-problem';
import { pageQuery } from '../core/pagination';

// Routing configuration (libs/services/routing/README.md). The documents themselves are
// defined in @tuxhat/contracts (config/routing-config.ts), shared with the routing service.

const nothingToUpdate = {
  message: 'give at least one field to change',
  params: { code: 'nothing_to_update' },
};
const hasAny = (value: object) => Object.values(value).some((field) => field !== undefined);

// ---- rules ----

/** Create: id, priority and a target; every condition optional (absent = any). */
export const createRuleSchema = z.strictObject({
  id: ruleId,
  ...z.strictObject(routingRuleFields).partial().shape,
});
/** Update: the fields to change; null clears a condition. */
export const updateRuleSchema = z
  .strictObject(routingRuleFields)
  .partial()
  .refine(hasAny, nothingToUpdate);
export const listRulesQuery = z.strictObject({
  tenantId: z.string().min(1).max(64).optional(),
  carrierId: z.string().min(1).max(64).optional(),
  serverGroupId: z.string().min(1).max(64).optional(),
  ...pageQuery,
});
export type CreateRule = z.output<typeof createRuleSchema>;
export type UpdateRule = z.output<typeof updateRuleSchema>;

const RULE_DEFAULTS: Omit<RoutingRuleDocument, 'priority'> = {
  enabled: true,
  tenantId: null,
  classOfService: null,
  destinationPrefix: null,
  country: null,
  network: null,
  sender: null,
  shortCode: null,
  keyword: null,
  contentPattern: null,
  timeZone: null,
  windowStart: null,
  windowEnd: null,
  windowDays: [],
  carrierId: null,
  serverGroupId: null,
};

/** The complete rule a create or update leads to, checked as a whole (one target, full window). */
export function completeRule(
  current: Partial<RoutingRuleDocument>,
  change: Partial<RoutingRuleDocument>,
): RoutingRuleDocument {
  const merged = { ...RULE_DEFAULTS, ...current, ...withoutUndefined(change) };
  const parsed = routingRuleDocument.safeParse(merged, { reportInput: true });
  if (!parsed.success) throw AdminProblem.validation(fieldErrorsFromZod(parsed.error.issues));
  return parsed.data;
}

/** A rule as stored (the routes table). */
type RuleRow = Omit<RoutingRuleDocument, 'classOfService'> &
  RowTimes & { readonly id: string; readonly classOfService: string | null };

export interface RuleView extends Omit<RoutingRuleDocument, 'classOfService'> {
  readonly id: string;
  readonly classOfService: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function ruleView(row: RuleRow): RuleView {
  return {
    id: row.id,
    priority: row.priority,
    enabled: row.enabled,
    tenantId: row.tenantId,
    classOfService: row.classOfService,
    destinationPrefix: row.destinationPrefix,
    country: row.country,
    network: row.network,
    sender: row.sender,
    shortCode: row.shortCode,
    keyword: row.keyword,
    contentPattern: row.contentPattern,
    timeZone: row.timeZone,
    windowStart: row.windowStart,
    windowEnd: row.windowEnd,
    windowDays: [...row.windowDays],
    carrierId: row.carrierId,
    serverGroupId: row.serverGroupId,
    ...times(row),
  };
}

// ---- server groups ----

export const createServerGroupSchema = z.strictObject({
  id: ruleId,
  ...serverGroupDocument.shape,
});
/** `members` replaces the whole member list. */
export const updateServerGroupSchema = serverGroupDocument
  .partial()
  .refine(hasAny, nothingToUpdate);
export const listServerGroupsQuery = z.strictObject({ ...pageQuery });
export type CreateServerGroup = z.output<typeof createServerGroupSchema>;
export type UpdateServerGroup = z.output<typeof updateServerGroupSchema>;

export interface ServerGroupView {
  readonly id: string;
  readonly name: string;
  readonly strategy: string;
  readonly members: readonly { carrierId: string; position: number; weight: number }[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function serverGroupView(
  row: RowTimes & {
    id: string;
    name: string;
    strategy: string;
    members: readonly { carrierId: string; position: number; weight: number }[];
  },
): ServerGroupView {
  return {
    id: row.id,
    name: row.name,
    strategy: row.strategy,
    members: [...row.members]
      .sort((a, b) => a.position - b.position || a.carrierId.localeCompare(b.carrierId))
      .map(({ carrierId, position, weight }) => ({ carrierId, position, weight })),
    ...times(row),
  };
}

// ---- number ranges ----

export const createNumberRangeSchema = numberRangeDocument;
export const updateNumberRangeSchema = numberRangeDocument.pick({ network: true });
export const listNumberRangesQuery = z.strictObject({
  /** Ranges whose prefix starts with these digits. */
  prefix: z
    .string()
    .regex(/^\d{1,15}$/, 'digits')
    .optional(),
  ...pageQuery,
});
export type CreateNumberRange = z.output<typeof createNumberRangeSchema>;

export interface NumberRangeView {
  readonly prefix: string;
  readonly network: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function numberRangeView(
  row: RowTimes & { prefix: string; network: string },
): NumberRangeView {
  return { prefix: row.prefix, network: row.network, ...times(row) };
}

// ---- prices ----

export const createPriceSchema = z.strictObject({
  id: ruleId,
  ...carrierPriceDocument.shape,
  classOfService: priorityClass.nullable().default(null),
});
export const updatePriceSchema = carrierPriceDocument
  .omit({ carrierId: true })
  .partial()
  .refine(hasAny, nothingToUpdate);
export const listPricesQuery = z.strictObject({
  carrierId: z.string().min(1).max(64).optional(),
  ...pageQuery,
});
export type CreatePrice = z.output<typeof createPriceSchema>;
export type UpdatePrice = z.output<typeof updatePriceSchema>;

export interface PriceView {
  readonly id: string;
  readonly carrierId: string;
  readonly prefix: string;
  readonly classOfService: string | null;
  readonly priceMinor: number;
  readonly currency: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function priceView(
  row: RowTimes & {
    id: string;
    carrierId: string;
    prefix: string;
    classOfService: string | null;
    priceMinor: number;
    currency: string;
  },
): PriceView {
  return {
    id: row.id,
    carrierId: row.carrierId,
    prefix: row.prefix,
    classOfService: row.classOfService,
    priceMinor: row.priceMinor,
    currency: row.currency,
    ...times(row),
  };
}

// ---- shared ----

interface RowTimes {
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

function times(row: RowTimes): { createdAt: string; updatedAt: string } {
  return { createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, field]) => field !== undefined),
  ) as Partial<T>;
}

/** A body field naming something that does not exist (a tenant, carrier, server group). */
export function unknownReference(field: string, what: string, id: string): AdminProblem {
  return AdminProblem.validation([
    { field, code: 'reference_unknown', message: `no ${what} "${id}"` },
  ]);
}
