import type { PriceAdjustment, PriorityClass, RecordFinalStatus } from '@tuxhat/contracts';

/** The facts about a message that billing decides on. */
export interface BillableMessage {
  readonly messageId: string;
  readonly tenantId: string;
  /** E.164 with "+". */
  readonly destination: string;
  readonly classOfService: PriorityClass;
  readonly parts: number;
  readonly acceptedAt: Date;
}

/** The tenant's billing settings (the `billing` block of its policy document). */
export interface TenantBilling {
  readonly mode: 'prepaid' | 'postpaid';
  /** submit: every accepted message is charged; delivery: only delivered ones (refunds the rest). */
  readonly chargeOn: 'submit' | 'delivery';
}

export const DEFAULT_TENANT_BILLING: TenantBilling = { mode: 'postpaid', chargeOn: 'submit' };

/** A charge as it goes through the rules: each rule gets the previous one and returns the next. */
export interface Charge {
  readonly amountMinor: number;
  readonly currency: string;
  /** The tariff amount for all parts, before any rule. */
  readonly listPriceMinor: number;
  readonly tariffId?: string;
  /** Why amountMinor differs from listPriceMinor, in order. */
  readonly adjustments: readonly PriceAdjustment[];
}

/** Sets a charge's amount, recording which rule did it and why. */
export function adjustCharge(
  charge: Charge,
  rule: string,
  amountMinor: number,
  note: string,
): Charge {
  if (!Number.isInteger(amountMinor) || amountMinor < 0)
    throw new Error(`billing rule ${rule} set an invalid amount ${amountMinor}`);
  return {
    ...charge,
    amountMinor,
    adjustments: [...charge.adjustments, { rule, note, amountMinor }],
  };
}

/** An earlier message of the same tenant to the same destination (see MessageHistory). */
export interface HistoryEntry {
  readonly messageId: string;
  readonly classOfService: PriorityClass;
  readonly acceptedAt: Date;
}

/**
 * The tenant's earlier messages to a destination, loaded by the host for a whole batch in one
 * query (loadMessageHistory) as far back as the rules ask (BillingRule.history). Rejected
 * messages are not in it: they were never charged.
 */
export interface MessageHistory {
  sameDestination(tenantId: string, destination: string): readonly HistoryEntry[];
}

export const NO_HISTORY: MessageHistory = { sameDestination: () => [] };

export interface ChargeContext {
  readonly message: BillableMessage;
  readonly history: MessageHistory;
}

export interface FinalChargeContext extends ChargeContext {
  readonly finalStatus: RecordFinalStatus;
  readonly billing: TenantBilling;
}

/**
 * The extension point for custom billing: a rule adjusts the charge before it is made
 * (pre-billing: what policy reserves on a prepaid balance at submit) and when the message is
 * final (post-billing: what accounting charges). Rules are composed in order, each getting the
 * previous rule's charge; the tenant's charge-on policy (refunds) applies after them.
 *
 * Rules must be deterministic functions of their inputs: a replayed status event re-prices
 * nothing (records are priced once), but pre- and post-billing must agree.
 */
export interface BillingRule {
  /** The rule type's registered name, recorded in price adjustments. */
  readonly name: string;
  /** Which earlier messages the rule reads; the host loads them in one query per batch. */
  readonly history?: {
    readonly lookbackMs: number;
    /** Only messages of these classes are loaded (and only for messages of these classes). */
    readonly classes: readonly PriorityClass[];
  };
  beforeCharge?(charge: Charge, context: ChargeContext): Charge;
  afterFinal?(charge: Charge, context: FinalChargeContext): Charge;
}
