import type { $Enums, SqlSession } from '@tuxhat/database';
import type { MessageFields } from '@tuxhat/contracts';

import type { HoldStage, RejectionReason } from '../decision';
import type { RateLimiterState } from '../rules/rate-limiter';
import type { BalanceState, UsageState } from './tenant-ledger';

type Tx = SqlSession;

/** Advisory lock class of the policy's per-tenant lock (pg_advisory_xact_lock(class, hash)). */
const TENANT_LOCK_CLASS = 0x706f6c69; // "poli"

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

/** What a batch reads under its tenants' locks. */
export interface StateQuery {
  /** Earlier decisions of these messages. */
  readonly messageIds: readonly string[];
  /** Monthly usage rows. */
  readonly usage: readonly { readonly tenantId: string; readonly month: string }[];
  /** Balances, row-locked until commit (accounting and top-ups wait instead of interleaving). */
  readonly balances: readonly string[];
  /** In-flight slots taken after `inFlightSince`. */
  readonly inFlight: readonly string[];
  readonly inFlightSince: Date;
  readonly rates: readonly string[];
}

export interface StoredState {
  readonly prior: ReadonlyMap<string, PriorDecision>;
  /** By usageKey(tenant, month). */
  readonly usage: ReadonlyMap<string, UsageState>;
  readonly balances: ReadonlyMap<string, BalanceState>;
  readonly inFlight: ReadonlyMap<string, number>;
  readonly rates: ReadonlyMap<string, RateLimiterState>;
}

/** Everything a batch writes back. */
export interface LedgerWrites {
  readonly decisions: readonly DecisionRow[];
  readonly usage: readonly (UsageState & { readonly tenantId: string })[];
  /** Amounts moved from available to reserved (relative: settlements may run alongside). */
  readonly reservations: readonly {
    readonly messageId: string;
    readonly tenantId: string;
    readonly amountMinor: number;
    readonly currency: string;
  }[];
  readonly inFlight: readonly { readonly messageId: string; readonly tenantId: string }[];
  readonly rates: readonly { readonly tenantId: string; readonly tatMs: number }[];
  readonly held: readonly HeldRow[];
}

/**
 * The locks, in sorted order (every transaction does: no deadlocks between them). A statement
 * of its own: PostgreSQL takes a statement's snapshot when the statement starts, so reads in
 * the same statement could miss what the previous holder of a lock committed.
 */
const LOCK_SQL = `
  SELECT count(pg_advisory_xact_lock(${TENANT_LOCK_CLASS}, hashtext(u.tenant_id)))::int AS locked
  FROM (SELECT t AS tenant_id, n FROM json_array_elements_text($1::json) WITH ORDINALITY AS a (t, n)
    ORDER BY n) AS u`;

/**
 * Every read of a batch in one statement (one round trip), as one JSON document. The lists
 * travel as JSON parameters: a fixed number of bind parameters and one statement text whatever
 * the batch. The ledger's statements run straight on the driver (sqlOf): Prisma's cost grows
 * with every parameter, its raw queries cost more than the driver's, its model queries far more.
 */
const READ_SQL = `
  SELECT json_build_object(
    'prior', (
      SELECT coalesce(json_agg(json_build_object('messageId', d.message_id, 'outcome', d.outcome,
        'detail', d.detail, 'reason', d.reason)), '[]'::json)
      FROM policy_decisions d
      WHERE d.message_id IN (SELECT json_array_elements_text($1::json))),
    'usage', (
      SELECT coalesce(json_agg(json_build_object('tenantId', u.tenant_id, 'month', u.month,
        'messages', u.messages, 'parts', u.parts, 'warnedAt', u.warned_at)), '[]'::json)
      FROM tenant_usage u
      JOIN json_to_recordset($2::json) AS k (tenant_id text, month text)
        ON u.tenant_id = k.tenant_id AND u.month = k.month),
    'balances', (
      SELECT coalesce(json_agg(json_build_object('tenantId', b.tenant_id, 'currency', b.currency,
        'available', b.available_minor::text)), '[]'::json)
      FROM (
        SELECT tenant_id, currency, available_minor FROM tenant_balances
        WHERE tenant_id IN (SELECT json_array_elements_text($3::json))
        ORDER BY tenant_id
        FOR UPDATE
      ) AS b),
    'inFlight', (
      SELECT coalesce(json_agg(json_build_object('tenantId', f.tenant_id, 'count', f.count)),
        '[]'::json)
      FROM (
        SELECT tenant_id, count(*)::int AS count FROM in_flight_messages
        WHERE tenant_id IN (SELECT json_array_elements_text($4::json)) AND since > $5::timestamptz
        GROUP BY tenant_id
      ) AS f),
    'rates', (
      SELECT coalesce(json_agg(json_build_object('tenantId', r.tenant_id, 'tatMs', r.tat_ms)),
        '[]'::json)
      FROM rate_limit_states r
      WHERE r.tenant_id IN (SELECT json_array_elements_text($6::json)))
  )::text AS state`;

/**
 * Every write of a batch in one statement: data-modifying CTEs, one per table, each over a JSON
 * parameter (an empty list writes nothing). One round trip instead of one per table and chunk.
 */
const WRITE_SQL = `
  WITH decisions AS (
    INSERT INTO policy_decisions (message_id, tenant_id, outcome, month, parts, detail, reason,
      decided_at)
    SELECT d.message_id, d.tenant_id, d.outcome::policy_outcome, d.month, d.parts, d.detail,
      d.reason, $7::timestamptz
    FROM json_to_recordset($1::json) AS d (message_id text, tenant_id text, outcome text,
      month text, parts int, detail text, reason text)
    ON CONFLICT (message_id) DO UPDATE SET
      outcome = EXCLUDED.outcome,
      month = COALESCE(EXCLUDED.month, policy_decisions.month),
      detail = EXCLUDED.detail,
      reason = EXCLUDED.reason,
      decided_at = EXCLUDED.decided_at
    RETURNING 1
  ),
  usage AS (
    INSERT INTO tenant_usage (tenant_id, month, messages, parts, warned_at)
    SELECT u.tenant_id, u.month, u.messages, u.parts, u.warned_at
    FROM json_to_recordset($2::json) AS u (tenant_id text, month text, messages int, parts int,
      warned_at timestamptz)
    ON CONFLICT (tenant_id, month) DO UPDATE SET
      messages = EXCLUDED.messages,
      parts = EXCLUDED.parts,
      warned_at = EXCLUDED.warned_at
    RETURNING 1
  ),
  reservations AS (
    INSERT INTO balance_reservations (message_id, tenant_id, amount_minor, currency, created_at)
    SELECT r.message_id, r.tenant_id, r.amount_minor, r.currency, $7::timestamptz
    FROM json_to_recordset($3::json) AS r (message_id text, tenant_id text, amount_minor bigint,
      currency text)
    ON CONFLICT DO NOTHING
    RETURNING 1
  ),
  balances AS (
    UPDATE tenant_balances AS b
    SET available_minor = b.available_minor - t.amount,
        reserved_minor = b.reserved_minor + t.amount,
        updated_at = $7::timestamptz
    FROM (
      SELECT r.tenant_id, sum(r.amount_minor)::bigint AS amount
      FROM json_to_recordset($3::json) AS r (tenant_id text, amount_minor bigint)
      GROUP BY r.tenant_id
    ) AS t
    WHERE b.tenant_id = t.tenant_id
    RETURNING 1
  ),
  in_flight AS (
    INSERT INTO in_flight_messages (message_id, tenant_id, since)
    SELECT f.message_id, f.tenant_id, $7::timestamptz
    FROM json_to_recordset($4::json) AS f (message_id text, tenant_id text)
    ON CONFLICT DO NOTHING
    RETURNING 1
  ),
  rates AS (
    INSERT INTO rate_limit_states (tenant_id, tat_ms)
    SELECT r.tenant_id, r.tat_ms
    FROM json_to_recordset($5::json) AS r (tenant_id text, tat_ms double precision)
    ON CONFLICT (tenant_id) DO UPDATE SET tat_ms = EXCLUDED.tat_ms
    RETURNING 1
  ),
  held AS (
    INSERT INTO deferred_messages (message_id, tenant_id, stage, release_at, message)
    SELECT h.message_id, h.tenant_id, h.stage::deferral_stage, h.release_at, h.message
    FROM json_to_recordset($6::json) AS h (message_id text, tenant_id text, stage text,
      release_at timestamptz, message jsonb)
    ON CONFLICT (message_id) DO UPDATE SET
      stage = EXCLUDED.stage,
      release_at = EXCLUDED.release_at
    RETURNING 1
  )
  SELECT 1 AS written`;

interface StoredStateDocument {
  readonly prior: PriorDecision[];
  readonly usage: {
    tenantId: string;
    month: string;
    messages: number;
    parts: number;
    warnedAt: string | null;
  }[];
  readonly balances: { tenantId: string; currency: string; available: string }[];
  readonly inFlight: { tenantId: string; count: number }[];
  readonly rates: { tenantId: string; tatMs: number }[];
}

/**
 * The policy's state tables, read and written inside one transaction per batch that holds
 * the advisory locks of the batch's tenants: whoever processes a tenant's messages (one
 * consumer normally, two briefly during a rebalance, several lanes at once) sees and moves
 * the same counters one batch at a time. Three statements per batch: lock, read, write.
 */
export const ledgerRepository = {
  async lockTenants(tx: Tx, tenantIds: readonly string[]): Promise<void> {
    const sorted = [...new Set(tenantIds)].sort();
    if (sorted.length === 0) return;
    await tx.query(LOCK_SQL, [JSON.stringify(sorted)]);
  },

  async read(tx: Tx, query: StateQuery): Promise<StoredState> {
    const [row] = await tx.query<{ state: string }>(READ_SQL, [
      JSON.stringify(query.messageIds),
      JSON.stringify(query.usage.map((key) => ({ tenant_id: key.tenantId, month: key.month }))),
      JSON.stringify(query.balances),
      JSON.stringify(query.inFlight),
      query.inFlightSince.toISOString(),
      JSON.stringify(query.rates),
    ]);
    const state = JSON.parse(row.state) as StoredStateDocument;
    return {
      prior: new Map(state.prior.map((decision) => [decision.messageId, decision])),
      usage: new Map(
        state.usage.map((usage) => [
          usageKey(usage.tenantId, usage.month),
          {
            month: usage.month,
            messages: usage.messages,
            parts: usage.parts,
            warnedAt: usage.warnedAt === null ? null : new Date(usage.warnedAt),
          },
        ]),
      ),
      balances: new Map(
        state.balances.map((balance) => [
          balance.tenantId,
          { currency: balance.currency.trim(), availableMinor: BigInt(balance.available) },
        ]),
      ),
      inFlight: new Map(state.inFlight.map((entry) => [entry.tenantId, entry.count])),
      rates: new Map(state.rates.map((rate) => [rate.tenantId, { tatMs: rate.tatMs }])),
    };
  },

  async write(tx: Tx, writes: LedgerWrites, at: Date): Promise<void> {
    const { decisions, usage, reservations, inFlight, rates, held } = writes;
    if (
      decisions.length +
        usage.length +
        reservations.length +
        inFlight.length +
        rates.length +
        held.length ===
      0
    ) {
      return;
    }
    await tx.query(WRITE_SQL, [
      JSON.stringify(
        decisions.map((row) => ({
          message_id: row.messageId,
          tenant_id: row.tenantId,
          outcome: row.outcome,
          month: row.month,
          parts: row.parts,
          detail: row.detail,
          reason: row.reason,
        })),
      ),
      JSON.stringify(
        usage.map((row) => ({
          tenant_id: row.tenantId,
          month: row.month,
          messages: row.messages,
          parts: row.parts,
          warned_at: row.warnedAt,
        })),
      ),
      JSON.stringify(
        reservations.map((row) => ({
          message_id: row.messageId,
          tenant_id: row.tenantId,
          amount_minor: row.amountMinor,
          currency: row.currency,
        })),
      ),
      JSON.stringify(
        inFlight.map((row) => ({ message_id: row.messageId, tenant_id: row.tenantId })),
      ),
      JSON.stringify(rates.map((row) => ({ tenant_id: row.tenantId, tat_ms: row.tatMs }))),
      JSON.stringify(
        held.map((row) => ({
          message_id: row.message.messageId,
          tenant_id: row.message.tenantId,
          stage: row.stage,
          release_at: new Date(row.releaseAt),
          message: row.message,
        })),
      ),
      at.toISOString(),
    ]);
  },
};

export function usageKey(tenantId: string, month: string): string {
  return `${tenantId}\u0000${month}`;
}
