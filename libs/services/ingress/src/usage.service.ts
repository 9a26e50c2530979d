import { Inject, Injectable } from '@nestjs/common';
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
}

/**
 * Usage comes from the policy service's counters (tenant_usage: counted exactly once per
 * message, in the policy's time zone), the quota from the tenant's policy in memory. One
 * indexed read per call.
 */
@Injectable()
export class UsageService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly config: IngressConfigSnapshot,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async usage(caller: Caller, raw: RawQuery): Promise<UsageView> {
    const quota = this.config.current.quotas.get(caller.tenantId);
    const timeZone = quota?.timeZone ?? 'UTC';
    const month = parseMonth(raw, currentMonth(this.clock.now(), timeZone));
    const row = await this.prisma.tenantUsage.findUnique({
      where: { tenantId_month: { tenantId: caller.tenantId, month } },
      select: { messages: true, parts: true },
    });
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
