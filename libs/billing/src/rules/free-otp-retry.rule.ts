import { z } from 'zod';

import {
  type BillableMessage,
  type BillingRule,
  type Charge,
  type ChargeContext,
  type HistoryEntry,
  adjustCharge,
} from '../billing-rule';

export const freeOtpRetryParams = z.strictObject({
  /** A retry is an OTP to the same number within this many minutes of the one before it. */
  windowMinutes: z
    .int()
    .min(1)
    .max(24 * 60)
    .default(5),
  /** Free retries per burst; the burst's first OTP and any further retries are charged. */
  maxFreeRetries: z.int().min(1).max(10).default(1),
});
export type FreeOtpRetryParams = z.infer<typeof freeOtpRetryParams>;

export const FREE_OTP_RETRY = 'free-otp-retry';

/**
 * Free OTP retries: when a user did not get their code and asks again, the tenant is not
 * charged twice. OTPs of one tenant to one number form a burst while each follows the previous
 * one within `windowMinutes`; the first of a burst is charged, the next `maxFreeRetries` are
 * free, any later ones are charged again (so a number spammed every minute is not free).
 *
 * The decision only reads the messages before this one (acceptance time, then id), at most
 * `maxFreeRetries + 1` of them, each within the window of the next: the history it needs is
 * bounded by (maxFreeRetries + 1) x window, and the same message gets the same answer at
 * submit (policy) and when final (accounting), whatever order messages finish in.
 */
export class FreeOtpRetryRule implements BillingRule {
  readonly name = FREE_OTP_RETRY;
  readonly history;
  private readonly windowMs: number;

  constructor(private readonly params: FreeOtpRetryParams) {
    this.windowMs = params.windowMinutes * 60_000;
    this.history = {
      lookbackMs: (params.maxFreeRetries + 1) * this.windowMs,
      classes: ['otp'] as const,
    };
  }

  beforeCharge(charge: Charge, context: ChargeContext): Charge {
    return this.apply(charge, context);
  }

  afterFinal(charge: Charge, context: ChargeContext): Charge {
    return this.apply(charge, context);
  }

  /** How many OTPs in a row, each within the window of the next, precede this one (capped). */
  retryNumber(message: BillableMessage, earlier: readonly HistoryEntry[]): number {
    const before = earlier
      .filter(
        (entry) =>
          entry.classOfService === 'otp' &&
          entry.messageId !== message.messageId &&
          precedes(entry, message),
      )
      .sort((a, b) => (precedes(a, b) ? 1 : -1)); // latest first
    let retry = 0;
    let next = message.acceptedAt.getTime();
    for (const entry of before) {
      if (next - entry.acceptedAt.getTime() > this.windowMs) break;
      retry++;
      next = entry.acceptedAt.getTime();
      if (retry > this.params.maxFreeRetries) break;
    }
    return retry;
  }

  private apply(charge: Charge, { message, history }: ChargeContext): Charge {
    if (message.classOfService !== 'otp' || charge.amountMinor === 0) return charge;
    const retry = this.retryNumber(
      message,
      history.sameDestination(message.tenantId, message.destination),
    );
    if (retry === 0 || retry > this.params.maxFreeRetries) return charge;
    return adjustCharge(
      charge,
      this.name,
      0,
      `OTP retry ${retry} of ${this.params.maxFreeRetries} free within ${this.params.windowMinutes} min`,
    );
  }
}

/** Acceptance order: time, then message id (ids are time-sortable; ties are rare). */
function precedes(
  a: { readonly acceptedAt: Date; readonly messageId: string },
  b: { readonly acceptedAt: Date; readonly messageId: string },
): boolean {
  const dt = a.acceptedAt.getTime() - b.acceptedAt.getTime();
  return dt < 0 || (dt === 0 && a.messageId < b.messageId);
}
