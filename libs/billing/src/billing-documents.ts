import { priorityClass, tenantId } from '@tuxhat/contracts';
import { z } from 'zod';

import { BILLING_RULE_TYPES } from './rule-registry';

/**
 * Tariffs and billing rules as operators write them (admin API) and the gateway reads them:
 * one definition, so what is accepted is what accounting and policy can apply. Wire contract
 * of the admin API: add optional fields, never change the meaning of existing ones.
 */
export const tariffDocument = z.strictObject({
  /** Null: the default tariff, for every tenant without a matching one of its own. */
  tenantId: tenantId.nullable().default(null),
  /** E.164 digits without "+"; "" covers every destination. */
  prefix: z
    .string()
    .regex(/^\d{0,15}$/, 'E.164 digits without "+" (up to 15), "" for every destination')
    .default(''),
  /** Null: every class of service. */
  classOfService: priorityClass.nullable().default(null),
  /** Integer minor units per SMS part. */
  priceMinor: z.int().min(0).max(1_000_000_000),
  currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code, e.g. EUR'),
});
export type TariffDocument = z.output<typeof tariffDocument>;

/** A billing rule switched on for a tenant (or all); `params` are checked by its rule type. */
export const billingRuleDocument = z.strictObject({
  /** Null: applies to every tenant. */
  tenantId: tenantId.nullable().default(null),
  rule: z.string().refine((name) => BILLING_RULE_TYPES.has(name), {
    message: `unknown rule type; known: ${[...BILLING_RULE_TYPES.keys()].join(', ')}`,
  }),
  params: z.record(z.string(), z.unknown()).default({}),
  /** Rules apply in ascending position (then id). */
  position: z.int().min(0).max(1_000_000).default(0),
  enabled: z.boolean().default(true),
});
export type BillingRuleDocument = z.output<typeof billingRuleDocument>;

/**
 * The issues of a rule's parameters for its type (paths under `params`), empty when they are
 * valid. The admin API answers them as validation errors before anything is stored.
 */
export function billingRuleParamsIssues(rule: string, params: unknown): z.core.$ZodIssue[] {
  const type = BILLING_RULE_TYPES.get(rule);
  if (!type) return [];
  const parsed = type.params.safeParse(params, { reportInput: true });
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({ ...issue, path: ['params', ...issue.path] }));
}
