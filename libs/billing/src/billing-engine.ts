import type { PriorityClass, RecordFinalStatus } from '@tuxhat/contracts';

import {
  type BillableMessage,
  type BillingRule,
  type Charge,
  type MessageHistory,
  type TenantBilling,
  adjustCharge,
} from './billing-rule';
import {
  BILLING_RULE_TYPES,
  type BillingRuleConfig,
  type BillingRuleType,
  createBillingRule,
} from './rule-registry';
import { type Quote, type Tariff, TariffBook } from './tariff';

/** Everything billing reads from the database (tariffs, billing_rules), held in memory. */
export interface BillingConfig {
  readonly tariffs: readonly Tariff[];
  readonly rules: readonly BillingRuleConfig[];
}

/** What the history rules need for a batch of messages: loaded in one query (loadMessageHistory). */
export interface HistoryRequest {
  readonly tenantIds: readonly string[];
  readonly destinations: readonly string[];
  readonly classes: readonly PriorityClass[];
  readonly from: Date;
  readonly to: Date;
}

export interface FinalCharge {
  readonly charge: Charge;
  /** Charged (a prepaid reservation is settled) or not (released, refunded). */
  readonly charged: boolean;
}

/** Names of the built-in steps in price adjustments. */
export const REJECTED_NOT_CHARGED = 'rejected-not-charged';
export const CHARGE_ON_DELIVERY = 'charge-on-delivery';

/**
 * Prices messages: the tariff (TariffBook), then the tenant's billing rules in order, then (when
 * final) the tenant's charge-on policy. Pure: everything it reads is handed to it, so the policy
 * service (pre-billing, at submit) and accounting (post-billing, when final) agree.
 */
export class BillingEngine {
  private readonly tariffs: TariffBook;
  /** Rules per tenant id; "" holds the rules of every tenant. */
  private readonly rulesByTenant = new Map<
    string,
    { config: BillingRuleConfig; rule: BillingRule }[]
  >();
  private readonly ruleCache = new Map<string, readonly BillingRule[]>();

  /** Rule rows that could not be built (unknown type, bad params): skipped, reported here. */
  readonly configErrors: readonly Error[];

  constructor(
    config: BillingConfig,
    private readonly defaultCurrency: string,
    types: ReadonlyMap<string, BillingRuleType> = BILLING_RULE_TYPES,
  ) {
    this.tariffs = new TariffBook(config.tariffs);
    const errors: Error[] = [];
    for (const ruleConfig of config.rules) {
      if (!ruleConfig.enabled) continue;
      try {
        const rule = createBillingRule(ruleConfig, types);
        const scope = ruleConfig.tenantId ?? '';
        const list = this.rulesByTenant.get(scope) ?? [];
        list.push({ config: ruleConfig, rule });
        this.rulesByTenant.set(scope, list);
      } catch (error) {
        errors.push(error as Error);
      }
    }
    this.configErrors = errors;
  }

  quote(message: BillableMessage): Quote | undefined {
    return this.tariffs.quote(message);
  }

  /** The tenant's rules in the order they apply: position, then id. */
  rulesFor(tenantId: string): readonly BillingRule[] {
    let rules = this.ruleCache.get(tenantId);
    if (!rules) {
      rules = [...(this.rulesByTenant.get('') ?? []), ...(this.rulesByTenant.get(tenantId) ?? [])]
        .sort(
          (a, b) => a.config.position - b.config.position || a.config.id.localeCompare(b.config.id),
        )
        .map((entry) => entry.rule);
      this.ruleCache.set(tenantId, rules);
    }
    return rules;
  }

  /** The earlier messages the rules of these messages' tenants need, or null when none do. */
  historyRequest(messages: readonly BillableMessage[]): HistoryRequest | null {
    const tenantIds = new Set<string>();
    const destinations = new Set<string>();
    const classes = new Set<PriorityClass>();
    let from = Infinity;
    let to = -Infinity;
    for (const message of messages) {
      for (const rule of this.rulesFor(message.tenantId)) {
        if (!rule.history?.classes.includes(message.classOfService)) continue;
        tenantIds.add(message.tenantId);
        destinations.add(message.destination);
        for (const cls of rule.history.classes) classes.add(cls);
        from = Math.min(from, message.acceptedAt.getTime() - rule.history.lookbackMs);
        to = Math.max(to, message.acceptedAt.getTime());
      }
    }
    if (tenantIds.size === 0) return null;
    return {
      tenantIds: [...tenantIds],
      destinations: [...destinations],
      classes: [...classes],
      from: new Date(from),
      to: new Date(to),
    };
  }

  /** Pre-billing, at submit: what a prepaid tenant's balance must hold for this message. */
  preCharge(message: BillableMessage, history: MessageHistory): Charge {
    let charge = this.listCharge(message);
    for (const rule of this.rulesFor(message.tenantId))
      if (rule.beforeCharge) charge = rule.beforeCharge(charge, { message, history });
    return charge;
  }

  /**
   * Post-billing, when the message is final: what the tenant is charged, and whether at all.
   * `list` replaces the tariff's quote (a correction keeps the price the message was first
   * charged with).
   */
  finalCharge(
    message: BillableMessage,
    finalStatus: RecordFinalStatus,
    billing: TenantBilling,
    history: MessageHistory,
    list: Charge = this.listCharge(message),
  ): FinalCharge {
    let charge = list;
    for (const rule of this.rulesFor(message.tenantId))
      if (rule.afterFinal)
        charge = rule.afterFinal(charge, { message, history, finalStatus, billing });
    if (finalStatus === 'rejected')
      return {
        charged: false,
        charge: zero(charge, REJECTED_NOT_CHARGED, 'rejected: never charged'),
      };
    if (billing.chargeOn === 'delivery' && finalStatus !== 'delivered')
      return {
        charged: false,
        charge: zero(charge, CHARGE_ON_DELIVERY, `not delivered (${finalStatus}): refunded`),
      };
    return { charged: true, charge };
  }

  private listCharge(message: BillableMessage): Charge {
    const quote = this.tariffs.quote(message);
    if (!quote)
      return { amountMinor: 0, currency: this.defaultCurrency, listPriceMinor: 0, adjustments: [] };
    return {
      amountMinor: quote.amountMinor,
      currency: quote.currency,
      listPriceMinor: quote.amountMinor,
      tariffId: quote.tariffId,
      adjustments: [],
    };
  }
}

function zero(charge: Charge, rule: string, note: string): Charge {
  return charge.amountMinor === 0 ? charge : adjustCharge(charge, rule, 0, note);
}
