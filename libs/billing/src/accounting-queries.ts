import {
  type AccountingRecordEvent,
  type Money,
  type PriorityClass,
  type RecordFinalStatus,
  instantOf,
} from '@tuxhat/contracts';
import type { PrismaClient } from '@tuxhat/database';

import { accountingRecordEventOf } from './accounting-record.mapper';

/** A half-open time range [from, to) of acceptance times. */
export interface Period {
  readonly from: Date;
  readonly to: Date;
}

/**
 * The calendar month `YYYY-MM` on the wall clock of `timeZone` (default UTC), as the instants
 * it spans: from its first midnight (or, where a daylight-saving jump skips that midnight, the
 * jump) to the next month's. Undefined when `month` is not one.
 */
export function monthPeriod(month: string, timeZone = 'UTC'): Period | undefined {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!match) return undefined;
  const year = Number(match[1]);
  const monthNumber = Number(match[2]);
  return {
    from: new Date(instantOf(year, monthNumber, 1, 0, 0, timeZone)),
    to: new Date(instantOf(year, monthNumber + 1, 1, 0, 0, timeZone)),
  };
}

export interface TenantUsage {
  readonly tenantId: string;
  /** Final records (messages) accepted in the period. */
  readonly messages: number;
  readonly parts: number;
  /** Messages the tenant is charged for. */
  readonly chargedMessages: number;
  readonly byStatus: Partial<Record<RecordFinalStatus, number>>;
  readonly byClass: Partial<Record<PriorityClass, number>>;
  /** Sum of prices, one entry per currency. */
  readonly price: Money[];
  /** Sum of carrier costs, one entry per currency. */
  readonly cost: Money[];
}

export interface UsageReport extends Period {
  readonly tenants: TenantUsage[];
}

export interface RecordQuery extends Period {
  /** Absent: every tenant. */
  readonly tenantId?: string;
}

/**
 * Usage and exports from the accounting records in PostgreSQL (each row holds a message's
 * latest revision, so a correction replaces what it corrects). Only final records count; the
 * period is by acceptance time, so a message belongs to the month it was sent in.
 */
export class AccountingQueries {
  constructor(private readonly prisma: PrismaClient) {}

  /** Usage per tenant in the period: one aggregate query. */
  async usage(query: RecordQuery): Promise<UsageReport> {
    const groups = await this.prisma.accountingRecord.groupBy({
      by: ['tenantId', 'finalStatus', 'classOfService', 'charged', 'priceCurrency', 'costCurrency'],
      where: this.where(query),
      _count: { _all: true },
      _sum: { parts: true, priceMinor: true, costMinor: true },
      orderBy: [{ tenantId: 'asc' }],
    });
    const tenants = new Map<string, MutableUsage>();
    for (const group of groups) {
      let usage = tenants.get(group.tenantId);
      if (!usage) tenants.set(group.tenantId, (usage = emptyUsage(group.tenantId)));
      const count = group._count._all;
      usage.messages += count;
      usage.parts += group._sum.parts ?? 0;
      if (group.charged) usage.chargedMessages += count;
      const status = group.finalStatus as RecordFinalStatus;
      usage.byStatus[status] = (usage.byStatus[status] ?? 0) + count;
      const cls = group.classOfService as PriorityClass;
      usage.byClass[cls] = (usage.byClass[cls] ?? 0) + count;
      addMoney(usage.price, group.priceCurrency, group._sum.priceMinor ?? 0);
      addMoney(usage.cost, group.costCurrency, group._sum.costMinor ?? 0);
    }
    return { from: query.from, to: query.to, tenants: [...tenants.values()] };
  }

  /**
   * Every final record of the period as billing reads it on the topic, in acceptance order,
   * streamed a page at a time (keyset pagination: constant memory, stable under inserts).
   */
  async *records(query: RecordQuery, pageSize = 1_000): AsyncGenerator<AccountingRecordEvent> {
    let after: { acceptedAt: Date; messageId: string } | undefined;
    for (;;) {
      const rows = await this.prisma.accountingRecord.findMany({
        where: {
          ...this.where(query),
          ...(after
            ? {
                OR: [
                  { acceptedAt: { gt: after.acceptedAt } },
                  { acceptedAt: after.acceptedAt, messageId: { gt: after.messageId } },
                ],
              }
            : {}),
        },
        orderBy: [{ acceptedAt: 'asc' }, { messageId: 'asc' }],
        take: pageSize,
      });
      for (const row of rows) yield accountingRecordEventOf(row);
      const last = rows.at(-1);
      if (!last || rows.length < pageSize) return;
      after = { acceptedAt: last.acceptedAt, messageId: last.messageId };
    }
  }

  private where(query: RecordQuery) {
    return {
      ...(query.tenantId ? { tenantId: query.tenantId } : {}),
      finalStatus: { not: null },
      revision: { gt: 0 },
      acceptedAt: { gte: query.from, lt: query.to },
    };
  }
}

type MutableUsage = {
  -readonly [K in keyof TenantUsage]: TenantUsage[K];
};

function emptyUsage(tenantId: string): MutableUsage {
  return {
    tenantId,
    messages: 0,
    parts: 0,
    chargedMessages: 0,
    byStatus: {},
    byClass: {},
    price: [],
    cost: [],
  };
}

function addMoney(sums: Money[], currency: string, minor: number): void {
  const entry = sums.find((item) => item.currency === currency);
  if (entry) entry.minor += minor;
  else sums.push({ currency, minor });
}
