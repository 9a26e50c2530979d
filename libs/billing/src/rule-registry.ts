import type { z } from 'zod';

import type { BillingRule } from './billing-rule';
import { FREE_OTP_RETRY, FreeOtpRetryRule, freeOtpRetryParams } from './rules/free-otp-retry.rule';

/** A kind of rule operators can switch on per tenant: its parameters' schema and a factory. */
export interface BillingRuleType<Params extends z.ZodType = z.ZodType> {
  readonly params: Params;
  create(params: z.infer<Params>): BillingRule;
}

function ruleType<Params extends z.ZodType>(type: BillingRuleType<Params>): BillingRuleType {
  return type;
}

/**
 * The rule types a deployment knows. Adding one: implement BillingRule, give it a zod schema
 * for its parameters, register it here; operators then switch it on per tenant through the
 * admin API (`billing_rules` rows). See libs/billing/README.md.
 */
export const BILLING_RULE_TYPES: ReadonlyMap<string, BillingRuleType> = new Map([
  [
    FREE_OTP_RETRY,
    ruleType({ params: freeOtpRetryParams, create: (params) => new FreeOtpRetryRule(params) }),
  ],
]);

/** One `billing_rules` row. */
export interface BillingRuleConfig {
  readonly id: string;
  /** Null: every tenant. */
  readonly tenantId: string | null;
  readonly rule: string;
  readonly params: unknown;
  readonly position: number;
  readonly enabled: boolean;
}

export class BillingRuleConfigError extends Error {
  constructor(
    readonly ruleId: string,
    message: string,
  ) {
    super(`billing rule ${ruleId}: ${message}`);
    this.name = BillingRuleConfigError.name;
  }
}

/** Validates one rule's configuration and builds it; throws BillingRuleConfigError naming the row. */
export function createBillingRule(
  config: Pick<BillingRuleConfig, 'id' | 'rule' | 'params'>,
  types: ReadonlyMap<string, BillingRuleType> = BILLING_RULE_TYPES,
): BillingRule {
  const type = types.get(config.rule);
  if (!type)
    throw new BillingRuleConfigError(
      config.id,
      `unknown rule type "${config.rule}" (known: ${[...types.keys()].join(', ')})`,
    );
  const parsed = type.params.safeParse(config.params ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((issue) => `params.${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new BillingRuleConfigError(config.id, issues);
  }
  return type.create(parsed.data);
}
