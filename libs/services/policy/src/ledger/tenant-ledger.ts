import type { MessageFields } from '@tuxhat/contracts';

import { type CompiledPolicy, classOf } from '../compiled-policy';
import {
  type Outcome,
  type RejectionReason,
  acceptDetail,
  holdDetail,
  rejectDetail,
} from '../decision';
import { type RateLimiterState, admit } from '../rules/rate-limiter';

export interface UsageState {
  /** "YYYY-MM" in the policy's time zone. */
  readonly month: string;
  readonly messages: number;
  readonly parts: number;
  readonly warnedAt: Date | null;
}

export interface BalanceState {
  readonly currency: string;
  readonly availableMinor: bigint;
}

/** A message's price (all parts), in integer minor units. */
export interface Price {
  readonly minor: number;
  readonly currency: string;
}

/** A tenant's counters as the database holds them, read under the tenant's lock. */
export interface LedgerState {
  readonly usage: UsageState;
  /** Null: the tenant has no balance row (a prepaid tenant without one cannot send). */
  readonly balance: BalanceState | null;
  readonly inFlight: number;
  readonly rate: RateLimiterState;
}

/**
 * The time a batch is decided at (read under the tenant's lock: the rate counts a message when
 * the policy admits it), and how soon a paced message waiting for an in-flight slot is looked
 * at again.
 */
export interface LedgerTiming {
  readonly nowMs: number;
  readonly inFlightRecheckMs: number;
}

export interface UsageWarning {
  readonly month: string;
  readonly warnAtPercent: number;
  readonly messages: number;
  readonly parts: number;
  readonly quotaMessages?: number;
  readonly quotaParts?: number;
}

/**
 * The stateful rules of one tenant over a batch, in order: monthly quota, prepaid balance,
 * then traffic control (max in flight and rate, rejected or paced). Pure: it works on the
 * state read under the tenant's lock and records what to write back.
 */
export class TenantLedger {
  private usage: UsageState;
  private readonly balanceCurrency: string | null;
  private availableMinor: bigint | null;
  private inFlight: number;
  private rate: RateLimiterState;
  readonly reservations: { messageId: string; amountMinor: number; currency: string }[] = [];
  readonly inFlightAdded: string[] = [];
  /** The messages counted by this batch (accepted or paced). */
  readonly counted = new Set<string>();
  private reservedMinor = 0n;
  private rateMoved = false;
  private warning: UsageWarning | undefined;

  private readonly nowMs: number;
  private readonly inFlightRecheckMs: number;

  constructor(
    readonly policy: CompiledPolicy,
    state: LedgerState,
    timing: LedgerTiming,
  ) {
    ({ nowMs: this.nowMs, inFlightRecheckMs: this.inFlightRecheckMs } = timing);
    this.usage = state.usage;
    this.availableMinor = state.balance ? state.balance.availableMinor : null;
    this.balanceCurrency = state.balance?.currency ?? null;
    this.inFlight = state.inFlight;
    this.rate = state.rate;
  }

  /** A message the stateless rules let through. `price` only matters for prepaid tenants. */
  admit(message: MessageFields, notes: readonly string[], price: Price | undefined): Outcome {
    const { policy } = this;
    const quota = policy.quota;
    if (quota?.messages !== undefined && this.usage.messages + 1 > quota.messages) {
      return this.reject(`monthlyQuota.messages ${quota.messages}`, 'quota-exceeded');
    }
    if (quota?.parts !== undefined && this.usage.parts + message.parts > quota.parts) {
      return this.reject(`monthlyQuota.parts ${quota.parts}`, 'quota-exceeded');
    }
    if (policy.prepaid) {
      if (!price) return this.reject('billing.prepaid', 'price-unavailable');
      // A free message (no tariff, or a rule waived it) needs no balance, in any currency.
      if (
        price.minor > 0 &&
        (this.availableMinor === null ||
          this.balanceCurrency !== price.currency ||
          this.availableMinor < BigInt(price.minor))
      ) {
        return this.reject('billing.prepaid', 'insufficient-balance');
      }
    }

    let hold: Outcome | undefined;
    // Only the classes the rate covers are limited (rate.classes: otp is not, by default).
    const spec = policy.rate?.classes.includes(classOf(message)) ? policy.rate : undefined;
    if (spec) {
      const rateRule = `rate.messagesPerSecond ${spec.messagesPerSecond} burst ${spec.burst}`;
      const inFlightRule = `rate.maxInFlight ${spec.maxInFlight}`;
      const full = spec.maxInFlight !== undefined && this.inFlight >= spec.maxInFlight;
      const slot = admit(spec, this.rate, this.nowMs);
      if (spec.overLimit === 'reject') {
        if (full) return this.reject(inFlightRule, 'rate-limited');
        if (!slot.conforming) return this.reject(rateRule, 'rate-limited');
      } else if (!slot.conforming) {
        const releaseAt = Math.ceil(slot.slotMs);
        hold = this.hold(holdDetail(policy.label, 'queued', rateRule, releaseAt), releaseAt);
      } else if (full) {
        const releaseAt = this.nowMs + this.inFlightRecheckMs;
        hold = this.hold(holdDetail(policy.label, 'queued', inFlightRule), releaseAt);
      }
      this.rate = slot.next;
      this.rateMoved = true;
    }

    // Let through (now or paced): count it and reserve its price.
    this.usage = {
      ...this.usage,
      messages: this.usage.messages + 1,
      parts: this.usage.parts + message.parts,
    };
    this.counted.add(message.messageId);
    const ledgerNotes = [...notes];
    if (quota) {
      ledgerNotes.push(
        `monthlyQuota ${this.usage.month} ${this.usage.messages}${
          quota.messages === undefined ? '' : `/${quota.messages}`
        } messages`,
      );
    }
    if (policy.prepaid && price) {
      if (price.minor > 0) this.availableMinor = (this.availableMinor ?? 0n) - BigInt(price.minor);
      this.reservedMinor += BigInt(price.minor);
      this.reservations.push({
        messageId: message.messageId,
        amountMinor: price.minor,
        currency: price.currency,
      });
      ledgerNotes.push(`billing.prepaid reserved ${price.minor} ${price.currency} (minor units)`);
    }
    this.checkWarning();
    if (hold) return hold;
    if (spec) {
      ledgerNotes.push(`rate ${spec.messagesPerSecond}/s`);
      this.takeInFlightSlot(message.messageId);
    }
    return { kind: 'accept', detail: acceptDetail(policy.label, ledgerNotes) };
  }

  /** A paced message whose slot came: it goes once the in-flight limit allows. */
  releasePaced(message: MessageFields): Outcome {
    const max = this.policy.maxInFlight;
    if (max !== undefined && this.inFlight >= max) {
      return {
        kind: 'hold',
        stage: 'paced',
        releaseAt: this.nowMs + this.inFlightRecheckMs,
        detail: holdDetail(this.policy.label, 'queued', `rate.maxInFlight ${max}`),
        announce: false,
      };
    }
    this.takeInFlightSlot(message.messageId);
    return {
      kind: 'accept',
      detail: acceptDetail(this.policy.label, ['released from the rate queue']),
    };
  }

  /** The month this batch counts in ("YYYY-MM", the policy's time zone). */
  get usageMonth(): string {
    return this.usage.month;
  }

  /**
   * The month's warning when it already went out: a redelivered batch publishes it again (same
   * event id), in case the process died between the commit and the publish.
   */
  get standingWarning(): UsageWarning | undefined {
    const quota = this.policy.quota;
    if (!quota || this.usage.warnedAt === null) return undefined;
    return this.warningOf(quota);
  }

  /** What to write back. */
  get changes() {
    return {
      usage: this.counted.size > 0 || this.warning ? this.usage : undefined,
      reservedMinor: this.reservedMinor,
      rate: this.rateMoved ? this.rate : undefined,
      warning: this.warning,
    };
  }

  private takeInFlightSlot(messageId: string): void {
    if (this.policy.maxInFlight === undefined) return;
    this.inFlight++;
    this.inFlightAdded.push(messageId);
  }

  private hold(detail: string, releaseAt: number): Outcome {
    return { kind: 'hold', stage: 'paced', releaseAt, detail, announce: true };
  }

  private reject(rule: string, reason: RejectionReason): Outcome {
    return { kind: 'reject', reason, detail: rejectDetail(this.policy.label, rule, reason) };
  }

  /** The month's warning goes out once, when usage first reaches warnAtPercent of a quota. */
  private checkWarning(): void {
    const quota = this.policy.quota;
    if (!quota || this.usage.warnedAt !== null) return;
    const crossed = (used: number, limit: number | undefined) =>
      limit !== undefined && used > 0 && used * 100 >= limit * quota.warnAtPercent;
    if (!crossed(this.usage.messages, quota.messages) && !crossed(this.usage.parts, quota.parts)) {
      return;
    }
    this.usage = { ...this.usage, warnedAt: new Date(this.nowMs) };
    this.warning = this.warningOf(quota);
  }

  private warningOf(quota: NonNullable<CompiledPolicy['quota']>): UsageWarning {
    return {
      month: this.usage.month,
      warnAtPercent: quota.warnAtPercent,
      messages: this.usage.messages,
      parts: this.usage.parts,
      ...(quota.messages === undefined ? {} : { quotaMessages: quota.messages }),
      ...(quota.parts === undefined ? {} : { quotaParts: quota.parts }),
    };
  }
}
