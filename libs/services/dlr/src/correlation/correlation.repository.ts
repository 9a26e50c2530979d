import { Inject, Injectable } from '@nestjs/common';
import type { SmsDlrRawEvent, SmsSentEvent } from '@tuxhat/contracts';
import { Prisma, type PrismaClient, StatementGenerations, runSql } from '@tuxhat/database';
import { messageTraceParent } from '@tuxhat/messaging';
import { PRISMA } from '@tuxhat/runtime';

import { type CallbackInfo, callbackInfoOf } from '../messages.repository';
import { isFinalReceiptState } from '../receipts/receipt-state';
import { type ValidityOptions, expiresAtSql } from '../expiry/deadlines.repository';
import { lookupKeys, storedKey } from './carrier-id-keys';

/** The part of one of our messages a carrier id names. */
export interface CarrierPart {
  readonly messageId: string;
  readonly tenantId: string;
  readonly carrierId: string;
  readonly routeId: string;
  readonly partIndex: number;
  readonly partCount: number;
  /** The id as the carrier wrote it in submit_sm_resp. */
  readonly carrierMessageId: string;
  /** The message's trace when the carrier accepted it (the receipt continues it). */
  readonly traceParent: string | null;
}

/** A part a receipt matched, with its message's callback fields (null: message row gone). */
export interface MatchedPart extends CarrierPart {
  readonly callback: CallbackInfo | null;
}

/** What recordReceipts needs of a receipt (an sms.dlr.raw event). */
export type ReceiptToRecord = Pick<
  SmsDlrRawEvent,
  | 'eventId'
  | 'carrierId'
  | 'accountCarrierIds'
  | 'carrierMessageId'
  | 'state'
  | 'rawState'
  | 'errorCode'
  | 'receivedAt'
>;

/** Carrier message id -> our message part: written when the carrier accepts, read for each receipt. */
@Injectable()
export class CorrelationRepository {
  /**
   * Messages and receipts this process recorded: both statements are prepared anew each time
   * theirs doubles (StatementGenerations). Under one fixed name PostgreSQL kept the generic plan
   * it made on young tables, and that plan read all of messages for each batch (seq scans of
   * 56-85 ms per call seen with pg_stat_statements after a few runs, ~0.5 ms of PostgreSQL CPU
   * per message) where a plan made on the grown tables probes the indexes.
   */
  private readonly sentStatements = new StatementGenerations('dlr-record-sent');
  private readonly receiptStatements = new StatementGenerations('dlr-record-receipts');

  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * What sms.sent records, for the messages of the batch that exist, in one statement (data
   * -modifying CTEs: one round trip, atomic): every part under its key (carrierKeysInsert) and
   * the expiry deadline (expiresAtSql; a resend through another carrier replaces it). Returns
   * the ids of the messages found; the others get nothing. Column arrays through unnest: a
   * handful of parameters however many rows.
   *
   * The keys check their message with an index probe on messages (the same test as
   * `sent`), not `IN (SELECT ... FROM sent)`: the planner cannot estimate a CTE's rows, took
   * `sent` for 1 row and made that a nested loop over the CTE, quadratic in the batch. Every
   * read of messages also says `m.id = ANY(<the batch's ids>)`, which makes it an index scan
   * whatever the statistics say: otherwise, with random_page_cost's default, the planner hashed
   * a seq scan of all of messages three times per batch (measured with 10,000 messages: 1.5-2.6
   * ms per scan, ~14 ms of execution per batch of 70 events).
   */
  async recordSent(
    events: readonly SmsSentEvent[],
    validity: ValidityOptions,
    /** When the batch is recorded (the injected clock): the default validity counts from it. */
    sentAt: Date,
  ): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    // One deadline per message (ON CONFLICT DO UPDATE may not touch a row twice): the last wins.
    const messages = [...new Map(events.map((event) => [event.messageId, event])).values()];
    const messageIds = messages.map((event) => event.messageId);
    const [result] = await runSql<{ ids: string }>(
      this.prisma,
      Prisma.sql`
      WITH sent AS (
        SELECT u.message_id, u.tenant_id, u.carrier_id, u.route_id, u.part_count,
               ${expiresAtSql(validity, sentAt)} AS expires_at
        FROM unnest(
          ${messageIds}::text[],
          ${messages.map((event) => event.tenantId)}::text[],
          ${messages.map((event) => event.carrierId)}::text[],
          ${messages.map((event) => event.routeId)}::text[],
          ${messages.map((event) => event.parts.length)}::int[])
          AS u (message_id, tenant_id, carrier_id, route_id, part_count)
        JOIN messages AS m ON m.id = u.message_id AND m.id = ANY(${messageIds}::text[])),
      carrier_keys AS (${carrierKeysInsert(events)}),
      deadlines AS (
        INSERT INTO dlr_deadlines (message_id, tenant_id, carrier_id, route_id, part_count,
                                   expires_at)
        SELECT message_id, tenant_id, carrier_id, route_id, part_count, expires_at FROM sent
        ON CONFLICT (message_id) DO UPDATE SET
          tenant_id = EXCLUDED.tenant_id, carrier_id = EXCLUDED.carrier_id,
          route_id = EXCLUDED.route_id, part_count = EXCLUDED.part_count,
          expires_at = EXCLUDED.expires_at, lease_until = NULL)
      SELECT coalesce(json_agg(message_id), '[]'::json)::text AS ids FROM sent`,
      this.sentStatements.next(events.length),
    );
    return new Set(JSON.parse(result?.ids ?? '[]') as string[]);
  }

  /**
   * The carrier ids alone of these sms.sent events (every part under its key, for the messages
   * that exist), without the deadline that recordSent writes with them: for the dead-letter
   * settler, which has made sure of the deadline on its own (see DeadlinesRepository.ensure).
   * Ids recorded already stay as they are. Dead letters are rare: not prepared.
   */
  async recordCarrierKeys(events: readonly SmsSentEvent[]): Promise<void> {
    if (events.length === 0) return;
    await runSql(this.prisma, carrierKeysInsert(events));
  }

  /**
   * One statement for a whole batch of receipts: matches each receipt with the part its carrier
   * id names (sent by its carrier, or by any carrier on the same SMSC account: the SMSC delivers
   * a receipt on any bind of the account, `accountCarrierIds`), stores the matched ones' part
   * receipts (dlr_part_receipts; a replayed receipt is stored once) and clears the expiry
   * deadline of the single-part messages a final receipt completes (the receipt stays the
   * durable fact: its final status is derived again from it on any redelivery). Returns the parts, index-aligned with `receipts`; undefined where
   * nothing matches (yet).
   *
   * Of several candidates the same spelling wins (found under the receipt's own text, its
   * first lookup key) over the same number spelled differently, then the most recently sent
   * (carriers reuse ids): matchRank's order, decided by the database. Rows stored under the
   * `n:` keys of earlier versions are not looked up: every part also has its `t:` row.
   *
   * Each match also reads its message's callback fields (an index probe on messages per
   * matched receipt, in a scalar subquery so the planner cannot turn it into a join over the
   * CTE): the status fanout needs them for the status that follows, and would otherwise
   * spend a round trip of its own on them.
   */
  async recordReceipts(receipts: readonly ReceiptToRecord[]): Promise<(MatchedPart | undefined)[]> {
    if (receipts.length === 0) return [];
    const lookups: { index: number; receipt: ReceiptToRecord; key: string; exact: boolean }[] = [];
    receipts.forEach((receipt, index) => {
      lookupKeys(receipt.carrierMessageId).forEach((key, position) =>
        lookups.push({ index, receipt, key, exact: position === 0 }),
      );
    });
    // Each lookup carries its receipt, so no step joins one CTE to another: the planner cannot
    // estimate a CTE's rows and made such joins nested loops (one even rescanned the receipts
    // for every row of dlr_deadlines). Each lookup probes the key index for its most recent
    // row (LATERAL ... LIMIT 1 cannot be turned into a join): as a plain join the planner
    // hashed a seq scan of all of dlr_carrier_keys for every batch (measured with 10,000
    // messages sent: ~8 ms of a 10 ms statement for 70 receipts).
    // json_agg at the top level: a statement with data-modifying CTEs cannot be a subquery.
    const [result] = await runSql<{ rows: string }>(
      this.prisma,
      Prisma.sql`
        WITH wanted AS (
          SELECT * FROM unnest(
            ${lookups.map((lookup) => lookup.index)}::int[],
            ${lookups.map(({ receipt }) => carriersOf(receipt))}::text[],
            ${lookups.map((lookup) => lookup.key)}::text[],
            ${lookups.map((lookup) => lookup.exact)}::boolean[],
            ${lookups.map((lookup) => lookup.receipt.eventId)}::text[],
            ${lookups.map((lookup) => lookup.receipt.state)}::text[],
            ${lookups.map((lookup) => lookup.receipt.rawState)}::text[],
            ${lookups.map((lookup) => lookup.receipt.errorCode ?? null)}::text[],
            ${lookups.map((lookup) => lookup.receipt.carrierMessageId)}::text[],
            ${lookups.map((lookup) => lookup.receipt.receivedAt)}::timestamptz[],
            ${lookups.map((lookup) => isFinalReceiptState(lookup.receipt.state))}::boolean[])
            AS w (i, carriers, lookup_key, exact, event_id, state, raw_state, error_code,
                  receipt_carrier_message_id, received_at, final)),
        best AS (
          SELECT DISTINCT ON (w.i) w.i, k.message_id, k.tenant_id, k.carrier_id, k.route_id,
                 k.part_index, k.part_count, k.carrier_message_id, k.trace_parent, w.event_id,
                 w.state, w.raw_state, w.error_code, w.receipt_carrier_message_id, w.received_at,
                 w.final
          FROM wanted AS w
          CROSS JOIN LATERAL (
            SELECT * FROM dlr_carrier_keys AS c
            WHERE c.carrier_id = ANY (string_to_array(w.carriers, ','))
              AND c.lookup_key = w.lookup_key
            ORDER BY c.created_at DESC
            LIMIT 1) AS k
          ORDER BY w.i, w.exact DESC, k.created_at DESC),
        parts AS (
          INSERT INTO dlr_part_receipts (event_id, message_id, carrier_id, part_index, state,
                                         raw_state, error_code, carrier_message_id, received_at)
          SELECT b.event_id, b.message_id, b.carrier_id, b.part_index, b.state, b.raw_state,
                 b.error_code, b.receipt_carrier_message_id, b.received_at
          FROM best AS b
          ON CONFLICT DO NOTHING),
        cleared AS (
          DELETE FROM dlr_deadlines AS d
          USING best AS b
          WHERE d.message_id = b.message_id AND b.part_count = 1 AND b.final)
        SELECT coalesce(json_agg(json_build_object(
                 'index', i, 'messageId', message_id, 'tenantId', tenant_id,
                 'carrierId', carrier_id, 'routeId', route_id, 'partIndex', part_index,
                 'partCount', part_count, 'carrierMessageId', carrier_message_id,
                 'traceParent', trace_parent,
                 'callback', (SELECT json_build_object(
                                'callbackUrl', m.callback_url,
                                'clientReference', m.client_reference,
                                'metadata', m.metadata)
                              FROM messages AS m WHERE m.id = best.message_id))), '[]'::json)::text
                 AS rows
        FROM best`,
      this.receiptStatements.next(receipts.length),
    );
    const rows = JSON.parse(result?.rows ?? '[]') as (CarrierPart & {
      index: number;
      callback: Parameters<typeof callbackInfoOf>[0] | null;
    })[];
    const parts: (MatchedPart | undefined)[] = receipts.map(() => undefined);
    for (const { index, callback, ...part } of rows) {
      parts[index] = { ...part, callback: callback ? callbackInfoOf(callback) : null };
    }
    return parts;
  }

  /** The carriers that accepted each message so far (a DLR trigger's reroute excludes them). */
  async carriersOf(messageIds: readonly string[]): Promise<Map<string, string[]>> {
    const rows = await this.prisma.dlrCarrierKey.findMany({
      where: { messageId: { in: [...messageIds] } },
      select: { messageId: true, carrierId: true, createdAt: true },
      orderBy: { createdAt: 'asc' },
    });
    const carriers = new Map<string, string[]>();
    for (const row of rows) {
      const list = carriers.get(row.messageId) ?? [];
      if (!list.includes(row.carrierId)) list.push(row.carrierId);
      carriers.set(row.messageId, list);
    }
    return carriers;
  }
}

/**
 * The INSERT of every part of these sms.sent events under its key (dlr_carrier_keys, one row per
 * part: the receipt side looks up every spelling its id may have, see lookupKeys; the
 * connectors' replay guard reads which carriers took the message from it too), for the messages
 * that exist, a key recorded already left as it is. Each key checks its message with an index
 * probe on messages (see recordSent). Column arrays through unnest: a handful of parameters
 * however many rows.
 */
function carrierKeysInsert(events: readonly SmsSentEvent[]): Prisma.Sql {
  const parts: { event: SmsSentEvent; partIndex: number; carrierMessageId: string }[] = [];
  for (const event of events)
    for (const part of event.parts) {
      parts.push({ event, partIndex: part.partIndex, carrierMessageId: part.carrierMessageId });
    }
  const messageIds = [...new Set(events.map((event) => event.messageId))];
  const traceParents = new Map(
    events.map((event) => [event.messageId, messageTraceParent(event.messageId) ?? null]),
  );
  return Prisma.sql`
        INSERT INTO dlr_carrier_keys (carrier_id, lookup_key, message_id, tenant_id, part_index,
                                      part_count, carrier_message_id, route_id, trace_parent)
        SELECT k.* FROM unnest(
          ${parts.map(({ event }) => event.carrierId)}::text[],
          ${parts.map(({ carrierMessageId }) => storedKey(carrierMessageId))}::text[],
          ${parts.map(({ event }) => event.messageId)}::text[],
          ${parts.map(({ event }) => event.tenantId)}::text[],
          ${parts.map(({ partIndex }) => partIndex)}::int[],
          ${parts.map(({ event }) => event.parts.length)}::int[],
          ${parts.map(({ carrierMessageId }) => carrierMessageId)}::text[],
          ${parts.map(({ event }) => event.routeId)}::text[],
          ${parts.map(({ event }) => traceParents.get(event.messageId) ?? null)}::text[])
          AS k (carrier_id, lookup_key, message_id, tenant_id, part_index, part_count,
                carrier_message_id, route_id, trace_parent)
        WHERE EXISTS (SELECT 1 FROM messages AS m
                      WHERE m.id = k.message_id AND m.id = ANY(${messageIds}::text[]))
        ON CONFLICT DO NOTHING`;
}

/** The carriers that may have sent what a receipt names, comma-joined (ids have no commas). */
function carriersOf(receipt: ReceiptToRecord): string {
  return (receipt.accountCarrierIds ?? [receipt.carrierId]).join(',');
}
