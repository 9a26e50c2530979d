import { Inject, Injectable } from '@nestjs/common';
import { AccountingQueries, monthPeriod } from '@tuxhat/billing';
import type { Money, RecordFinalStatus } from '@tuxhat/contracts';
import type { PrismaClient } from '@tuxhat/database';
import { CLOCK, type Clock, PRISMA } from '@tuxhat/runtime';

import type { Caller } from './api-key-authenticator';
import { IngressConfigSnapshot } from './ingress-config';
import { type RawQuery, parseMonth } from './list-query.validation';

/** GET /v1/usage: what the tenant sent in a month, and what its quota leaves. */
export interface UsageView {
  /** `YYYY-MM`, a calendar month in `timeZone`. */
  readonly month: string;
  /** The zone the tenant's policy counts months in (UTC without a policy). */
  readonly timeZone: string;
  /** Messages and SMS parts the policy accepted (rejected ones do not count). */
  readonly messages: number;
  readonly parts: number;
  /** The monthly quota, or null when the policy sets none; each limit null when unlimited. */
  readonly quota: { readonly messages: number | null; readonly parts: number | null } | null;
  /** What is left of it (never below 0), null where unlimited. */
  readonly remaining: { readonly messages: number | null; readonly parts: number | null } | null;
  /** What the month's accounting records say (final messages only): outcomes and money. */
  readonly records: UsageRecordsView;
}

/**
 * The tenant's accounting records accepted in the month (by `accepted_at`, in the same time
 * zone as the counters). A record is written once a message is final, so messages still
 * travelling are not here yet; corrections replace what they correct.
 */
export interface UsageRecordsView {
  /** Messages with a final record, and their SMS parts. */
  readonly messages: number;
  readonly parts: number;
  /**
   * Messages per final status (`delivered`, `undeliverable`, `expired`, `rejected`, `failed`,
   * `unknown`); a status without messages is absent.
   */
  readonly byStatus: Partial<Record<RecordFinalStatus, number>>;
  /** Messages the tenant is charged for. */
  readonly chargedMessages: number;
  /**
   * What the tenant is charged, one sum per currency in minor units, by currency code
   * (uncharged records are priced 0). Never the carrier's cost.
   */
  readonly price: Money[];
}

/**
 * Usage comes from the policy service's counters (tenant_usage: counted exactly once per
 * message, in the policy's time zone), the quota from the tenant's policy in memory, and the
 * outcomes and money from the accounting records (@tuxhat/billing's usage query, the admin's,
 * scoped to the caller's tenant). Two indexed reads per call, run together.
 */
@Injectable()
export class UsageService {
  private readonly records: AccountingQueries;

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly config: IngressConfigSnapshot,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.records = new AccountingQueries(prisma);
  }

  async usage(caller: Caller, raw: RawQuery): Promise<UsageView> {
    const quota = this.config.current.quotas.get(caller.tenantId);
    const timeZone = quota?.timeZone ?? 'UTC';
    const month = parseMonth(raw, currentMonth(this.clock.now(), timeZone));
    const [row, records] = await Promise.all([
      this.prisma.tenantUsage.findUnique({
        where: { tenantId_month: { tenantId: caller.tenantId, month } },
        select: { messages: true, parts: true },
      }),
      this.recordsOf(caller.tenantId, month, timeZone),
    ]);
    const messages = row?.messages ?? 0;
    const parts = row?.parts ?? 0;
    const limited = quota && (quota.messages !== null || quota.parts !== null);
    const left = (limit: number | null, used: number) =>
      limit === null ? null : Math.max(0, limit - used);
    return {
      month,
      timeZone,
      messages,
      parts,
      quota: limited ? { messages: quota.messages, parts: quota.parts } : null,
      remaining: limited
        ? { messages: left(quota.messages, messages), parts: left(quota.parts, parts) }
        : null,
      records,
    };
  }

  /** One aggregate over accounting_records (tenant_id, accepted_at), this tenant's rows only. */
  private async recordsOf(
    tenantId: string,
    month: string,
    timeZone: string,
  ): Promise<UsageRecordsView> {
    const report = await this.records.usage({ ...monthPeriod(month, timeZone)!, tenantId });
    const usage = report.tenants.find((tenant) => tenant.tenantId === tenantId);
    return {
      messages: usage?.messages ?? 0,
      parts: usage?.parts ?? 0,
      byStatus: usage?.byStatus ?? {},
      chargedMessages: usage?.chargedMessages ?? 0,
      price: [...(usage?.price ?? [])].sort((a, b) => a.currency.localeCompare(b.currency)),
    };
  }
}

/** `YYYY-MM` of `now` in the zone. */
export function currentMonth(now: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
  }).formatToParts(now);
  const year = parts.find((part) => part.type === 'year')?.value;
  const month = parts.find((part) => part.type === 'month')?.value;
  return year && month ? `${year}-${month}` : now.toISOString().slice(0, 7);
}
