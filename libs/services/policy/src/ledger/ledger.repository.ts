import { $Enums, Prisma } from '@tuxhat/database';
import type { MessageFields } from '@tuxhat/contracts';

import type { HoldStage, RejectionReason } from '../decision';
import type { RateLimiterState } from '../rules/rate-limiter';
import type { BalanceState, UsageState } from './tenant-ledger';

type Tx = Prisma.TransactionClient;

/** Advisory lock class of the policy's per-tenant lock (pg_advisory_xact_lock(class, hash)). */
const TENANT_LOCK_CLASS = 0x706f6c69; // "poli"

/** Rows per multi-row statement: a normal batch is one statement, a huge one stays under the bind-parameter limit. */
const ROWS_PER_STATEMENT = 2_000;

export interface PriorDecision {
  readonly messageId: string;
  readonly outcome: $Enums.PolicyOutcome;
  readonly detail: string;
  readonly reason: RejectionReason | null;
}

export interface DecisionRow {
  readonly messageId: string;
  readonly tenantId: string;
  readonly outcome: $Enums.PolicyOutcome;
  /** Null keeps the month already stored (a paced message released later). */
  readonly month: string | null;
  readonly parts: number;
  readonly detail: string;
  readonly reason: RejectionReason | null;
}

export interface HeldRow {
  readonly message: MessageFields;
  readonly stage: HoldStage;
  readonly releaseAt: number;
}

/**
 * The policy's state tables, read and written inside one transaction per batch that holds
 * the advisory locks of the batch's tenants: whoever processes a tenant's messages (one
 * consumer normally, two briefly during a rebalance, several lanes at once) sees and moves
 * the same counters one batch at a time.
 */
export const ledgerRepository = {
  /** Locks the tenants in sorted order (every transaction does: no deadlocks between them). */
  async lockTenants(tx: Tx, tenantIds: readonly string[]): Promise<void> {
    const sorted = [...new Set(tenantIds)].sort();
    if (sorted.length === 0) return;
    await tx.$queryRaw(Prisma.sql`
      SELECT count(pg_advisory_xact_lock(${TENANT_LOCK_CLASS}::int, hashtext(u.tenant_id)))::int AS locked
      FROM (SELECT t AS tenant_id, n FROM unnest(ARRAY[${Prisma.join(sorted)}]::text[]) WITH ORDINALITY AS a(t, n) ORDER BY n) AS u`);
  },

  async priorDecisions(tx: Tx, messageIds: readonly string[]): Promise<Map<string, PriorDecision>> {
    const rows = await tx.policyDecision.findMany({
      where: { messageId: { in: [...messageIds] } },
      select: { messageId: true, outcome: true, detail: true, reason: true },
    });
    return new Map(
      rows.map((row) => [row.messageId, { ...row, reason: row.reason as RejectionReason | null }]),
    );
  },

  async usage(
    tx: Tx,
    keys: readonly { tenantId: string; month: string }[],
  ): Promise<Map<string, UsageState>> {
    if (keys.length === 0) return new Map();
    const rows = await tx.tenantUsage.findMany({
      where: { OR: keys.map((key) => ({ tenantId: key.tenantId, month: key.month })) },
    });
    return new Map(
      rows.map((row) => [
        usageKey(row.tenantId, row.month),
        { month: row.month, messages: row.messages, parts: row.parts, warnedAt: row.warnedAt },
      ]),
    );
  },

  /** Balances, row-locked until commit (accounting and top-ups wait instead of interleaving). */
  async balancesForUpdate(
    tx: Tx,
    tenantIds: readonly string[],
  ): Promise<Map<string, BalanceState>> {
    if (tenantIds.length === 0) return new Map();
    const rows = await tx.$queryRaw<{ tenant_id: string; currency: string; available: string }[]>(
      Prisma.sql`
        SELECT tenant_id, currency, available_minor::text AS available
        FROM tenant_balances
        WHERE tenant_id IN (${Prisma.join(tenantIds)})
        ORDER BY tenant_id
        FOR UPDATE`,
    );
    return new Map(
      rows.map((row) => [
        row.tenant_id,
        { currency: row.currency.trim(), availableMinor: BigInt(row.available) },
      ]),
    );
  },

  async inFlightCounts(
    tx: Tx,
    tenantIds: readonly string[],
    since: Date,
  ): Promise<Map<string, number>> {
    if (tenantIds.length === 0) return new Map();
    const rows = await tx.inFlightMessage.groupBy({
      by: ['tenantId'],
      where: { tenantId: { in: [...tenantIds] }, since: { gt: since } },
      _count: { _all: true },
    });
    return new Map(rows.map((row) => [row.tenantId, row._count._all]));
  },

  async rateStates(tx: Tx, tenantIds: readonly string[]): Promise<Map<string, RateLimiterState>> {
    if (tenantIds.length === 0) return new Map();
    const rows = await tx.rateLimitState.findMany({ where: { tenantId: { in: [...tenantIds] } } });
    return new Map(rows.map((row) => [row.tenantId, { tatMs: row.tatMs }]));
  },

  async writeDecisions(tx: Tx, rows: readonly DecisionRow[], decidedAt: Date): Promise<void> {
    for (const chunk of chunks(rows)) {
      const values = chunk.map(
        (row) =>
          Prisma.sql`(${row.messageId}, ${row.tenantId}, ${row.outcome}::policy_outcome, ${row.month}::text, ${row.parts}::int, ${row.detail}, ${row.reason}::text, ${decidedAt}::timestamptz)`,
      );
      await tx.$executeRaw(Prisma.sql`
        INSERT INTO policy_decisions (message_id, tenant_id, outcome, month, parts, detail, reason, decided_at)
        VALUES ${Prisma.join(values)}
        ON CONFLICT (message_id) DO UPDATE SET
          outcome = EXCLUDED.outcome,
          month = COALESCE(EXCLUDED.month, policy_decisions.month),
          detail = EXCLUDED.detail,
          reason = EXCLUDED.reason,
          decided_at = EXCLUDED.decided_at`);
    }
  },

  async writeUsage(tx: Tx, rows: readonly (UsageState & { tenantId: string })[]): Promise<void> {
    if (rows.length === 0) return;
    const values = rows.map(
      (row) =>
        Prisma.sql`(${row.tenantId}, ${row.month}, ${row.messages}::int, ${row.parts}::int, ${row.warnedAt}::timestamptz)`,
    );
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO tenant_usage (tenant_id, month, messages, parts, warned_at)
      VALUES ${Prisma.join(values)}
      ON CONFLICT (tenant_id, month) DO UPDATE SET
        messages = EXCLUDED.messages,
        parts = EXCLUDED.parts,
        warned_at = EXCLUDED.warned_at`);
  },

  /** Moves reserved amounts from available to reserved (relative: settlements may run alongside). */
  async reserve(
    tx: Tx,
    reservations: readonly {
      messageId: string;
      tenantId: string;
      amountMinor: number;
      currency: string;
    }[],
    at: Date,
  ): Promise<void> {
    if (reservations.length === 0) return;
    const totals = new Map<string, bigint>();
    for (const reservation of reservations) {
      totals.set(
        reservation.tenantId,
        (totals.get(reservation.tenantId) ?? 0n) + BigInt(reservation.amountMinor),
      );
    }
    for (const chunk of chunks(reservations)) {
      await tx.balanceReservation.createMany({
        data: chunk.map((reservation) => ({
          messageId: reservation.messageId,
          tenantId: reservation.tenantId,
          amountMinor: BigInt(reservation.amountMinor),
          currency: reservation.currency,
          createdAt: at,
        })),
        skipDuplicates: true,
      });
    }
    const values = [...totals].map(
      ([tenantId, amount]) => Prisma.sql`(${tenantId}, ${amount.toString()}::bigint)`,
    );
    await tx.$executeRaw(Prisma.sql`
      UPDATE tenant_balances AS b
      SET available_minor = b.available_minor - v.amount,
          reserved_minor = b.reserved_minor + v.amount,
          updated_at = ${at}::timestamptz
      FROM (VALUES ${Prisma.join(values)}) AS v (tenant_id, amount)
      WHERE b.tenant_id = v.tenant_id`);
  },

  async addInFlight(
    tx: Tx,
    rows: readonly { messageId: string; tenantId: string }[],
    since: Date,
  ): Promise<void> {
    for (const chunk of chunks(rows)) {
      await tx.inFlightMessage.createMany({
        data: chunk.map((row) => ({ ...row, since })),
        skipDuplicates: true,
      });
    }
  },

  async writeRateStates(
    tx: Tx,
    rows: readonly { tenantId: string; tatMs: number }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const values = rows.map((row) => Prisma.sql`(${row.tenantId}, ${row.tatMs}::double precision)`);
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO rate_limit_states (tenant_id, tat_ms)
      VALUES ${Prisma.join(values)}
      ON CONFLICT (tenant_id) DO UPDATE SET tat_ms = EXCLUDED.tat_ms`);
  },

  async hold(tx: Tx, rows: readonly HeldRow[]): Promise<void> {
    for (const chunk of chunks(rows)) {
      const values = chunk.map(
        (row) =>
          Prisma.sql`(${row.message.messageId}, ${row.message.tenantId}, ${row.stage}::deferral_stage, ${new Date(row.releaseAt)}::timestamptz, ${JSON.stringify(row.message)}::jsonb)`,
      );
      await tx.$executeRaw(Prisma.sql`
        INSERT INTO deferred_messages (message_id, tenant_id, stage, release_at, message)
        VALUES ${Prisma.join(values)}
        ON CONFLICT (message_id) DO UPDATE SET
          stage = EXCLUDED.stage,
          release_at = EXCLUDED.release_at`);
    }
  },
};

export function usageKey(tenantId: string, month: string): string {
  return `${tenantId}\u0000${month}`;
}

function chunks<T>(rows: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    result.push(rows.slice(start, start + ROWS_PER_STATEMENT));
  }
  return result;
}
