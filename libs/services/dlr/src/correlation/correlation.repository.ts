import { Inject, Injectable } from '@nestjs/common';
import type { SmsSentEvent } from '@tuxhat/contracts';
import { Prisma, type PrismaClient } from '@tuxhat/database';
import { messageTraceParent } from '@tuxhat/messaging';
import { PRISMA } from '@tuxhat/runtime';

import { jsonRows } from '../sql';
import { lookupKeys, matchRank } from './carrier-id-keys';

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

/** A dlr_carrier_keys row as the lookup query returns it (JSON). */
interface KeyRow extends CarrierPart {
  readonly lookupKey: string;
  readonly createdAt: string;
}

export interface ReceiptRef {
  readonly carrierId: string;
  readonly carrierMessageId: string;
}

/** Carrier message id -> our message part: written when the carrier accepts, read for each receipt. */
@Injectable()
export class CorrelationRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * What sms.sent records, for the messages of the batch that exist, in one statement (data
   * -modifying CTEs: one round trip, atomic): every key of every part (dlr_carrier_keys),
   * carrier_message_ids (the id as the connectors' replay guard knows it) and the expiry
   * deadline (validUntil, or acceptance + defaultValidityMs, plus expiryGraceMs; a resend
   * through another carrier replaces it). Returns the ids of the messages found; the others
   * get nothing. Column arrays through unnest: a handful of parameters however many rows.
   */
  async recordSent(
    events: readonly SmsSentEvent[],
    validity: { readonly defaultValidityMs: number; readonly expiryGraceMs: number },
  ): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    // One deadline per message (ON CONFLICT DO UPDATE may not touch a row twice): the last wins.
    const messages = [...new Map(events.map((event) => [event.messageId, event])).values()];
    const keys: {
      event: SmsSentEvent;
      partIndex: number;
      carrierMessageId: string;
      key: string;
    }[] = [];
    const parts: { event: SmsSentEvent; partIndex: number; carrierMessageId: string }[] = [];
    for (const event of events)
      for (const part of event.parts) {
        parts.push({ event, partIndex: part.partIndex, carrierMessageId: part.carrierMessageId });
        for (const key of lookupKeys(part.carrierMessageId))
          keys.push({
            event,
            partIndex: part.partIndex,
            carrierMessageId: part.carrierMessageId,
            key,
          });
      }
    const traceParents = new Map(
      events.map((event) => [event.messageId, messageTraceParent(event.messageId) ?? null]),
    );
    const [result] = await this.prisma.$queryRaw<{ ids: string }[]>`
      WITH sent AS (
        SELECT u.message_id, u.tenant_id, u.carrier_id, u.route_id, u.part_count,
               coalesce(m.valid_until,
                        m.created_at + ${validity.defaultValidityMs} * interval '1 millisecond')
                 + ${validity.expiryGraceMs} * interval '1 millisecond' AS expires_at
        FROM unnest(
          ${messages.map((event) => event.messageId)}::text[],
          ${messages.map((event) => event.tenantId)}::text[],
          ${messages.map((event) => event.carrierId)}::text[],
          ${messages.map((event) => event.routeId)}::text[],
          ${messages.map((event) => event.parts.length)}::int[])
          AS u (message_id, tenant_id, carrier_id, route_id, part_count)
        JOIN messages AS m ON m.id = u.message_id),
      carrier_keys AS (
        INSERT INTO dlr_carrier_keys (carrier_id, lookup_key, message_id, tenant_id, part_index,
                                      part_count, carrier_message_id, route_id, trace_parent)
        SELECT k.* FROM unnest(
          ${keys.map((key) => key.event.carrierId)}::text[],
          ${keys.map((key) => key.key)}::text[],
          ${keys.map((key) => key.event.messageId)}::text[],
          ${keys.map((key) => key.event.tenantId)}::text[],
          ${keys.map((key) => key.partIndex)}::int[],
          ${keys.map((key) => key.event.parts.length)}::int[],
          ${keys.map((key) => key.carrierMessageId)}::text[],
          ${keys.map((key) => key.event.routeId)}::text[],
          ${keys.map((key) => traceParents.get(key.event.messageId) ?? null)}::text[])
          AS k (carrier_id, lookup_key, message_id, tenant_id, part_index, part_count,
                carrier_message_id, route_id, trace_parent)
        WHERE k.message_id IN (SELECT message_id FROM sent)
        ON CONFLICT DO NOTHING),
      replay_ids AS (
        INSERT INTO carrier_message_ids (carrier_id, carrier_message_id, message_id, part_index)
        SELECT c.* FROM unnest(
          ${parts.map(({ event }) => event.carrierId)}::text[],
          ${parts.map(({ carrierMessageId }) => carrierMessageId.trim().toLowerCase())}::text[],
          ${parts.map(({ event }) => event.messageId)}::text[],
          ${parts.map(({ partIndex }) => partIndex)}::int[])
          AS c (carrier_id, carrier_message_id, message_id, part_index)
        WHERE c.message_id IN (SELECT message_id FROM sent)
        ON CONFLICT DO NOTHING),
      deadlines AS (
        INSERT INTO dlr_deadlines (message_id, tenant_id, carrier_id, route_id, part_count,
                                   expires_at)
        SELECT message_id, tenant_id, carrier_id, route_id, part_count, expires_at FROM sent
        ON CONFLICT (message_id) DO UPDATE SET
          tenant_id = EXCLUDED.tenant_id, carrier_id = EXCLUDED.carrier_id,
          route_id = EXCLUDED.route_id, part_count = EXCLUDED.part_count,
          expires_at = EXCLUDED.expires_at, lease_until = NULL)
      SELECT coalesce(json_agg(message_id), '[]'::json)::text AS ids FROM sent`;
    return new Set(JSON.parse(result?.ids ?? '[]') as string[]);
  }

  /**
   * One query for a whole batch of receipts. Each receipt gets its best match: the same text
   * before the same number read differently, then the most recently sent (carriers reuse ids).
   * The result is index-aligned with `receipts`; undefined where nothing matches (yet).
   */
  async find(receipts: readonly ReceiptRef[]): Promise<(CarrierPart | undefined)[]> {
    if (receipts.length === 0) return [];
    const receiptKeys = receipts.map((receipt) => lookupKeys(receipt.carrierMessageId));
    const keysByCarrier = new Map<string, Set<string>>();
    receipts.forEach((receipt, index) => {
      const keys = keysByCarrier.get(receipt.carrierId) ?? new Set<string>();
      for (const key of receiptKeys[index]) keys.add(key);
      keysByCarrier.set(receipt.carrierId, keys);
    });
    const carriers: string[] = [];
    const keys: string[] = [];
    for (const [carrierId, carrierKeys] of keysByCarrier)
      for (const key of carrierKeys) {
        carriers.push(carrierId);
        keys.push(key);
      }
    // One JSON text (sql.ts): Prisma's findMany compiled an OR of IN lists per batch and
    // materialised every cell of thousands of rows.
    const rows = (
      await jsonRows<KeyRow>(
        this.prisma,
        Prisma.sql`
          SELECT k.carrier_id AS "carrierId", k.lookup_key AS "lookupKey",
                 k.message_id AS "messageId", k.tenant_id AS "tenantId",
                 k.part_index AS "partIndex", k.part_count AS "partCount",
                 k.carrier_message_id AS "carrierMessageId", k.route_id AS "routeId",
                 k.trace_parent AS "traceParent", k.created_at AS "createdAt"
          FROM dlr_carrier_keys AS k
          JOIN unnest(${carriers}::text[], ${keys}::text[]) AS w (carrier_id, lookup_key)
            ON k.carrier_id = w.carrier_id AND k.lookup_key = w.lookup_key`,
      )
    ).map((row) => ({ ...row, sentAt: Date.parse(row.createdAt) }));
    // Each receipt looks at the rows under its own keys only (a batch reads thousands of rows).
    const rowsByKey = new Map<string, (typeof rows)[number][]>();
    for (const row of rows) {
      const key = `${row.carrierId}\n${row.lookupKey}`;
      const list = rowsByKey.get(key);
      if (list) list.push(row);
      else rowsByKey.set(key, [row]);
    }
    return receipts.map((receipt, index) => {
      let best: { row: (typeof rows)[number]; rank: number } | undefined;
      const candidates = new Set(
        receiptKeys[index].flatMap((key) => rowsByKey.get(`${receipt.carrierId}\n${key}`) ?? []),
      );
      for (const row of candidates) {
        const rank = matchRank(row.carrierMessageId, receipt.carrierMessageId);
        if (rank === null) continue;
        if (!best || rank < best.rank || (rank === best.rank && row.sentAt > best.row.sentAt)) {
          best = { row, rank };
        }
      }
      if (!best) return undefined;
      const { row } = best;
      return {
        messageId: row.messageId,
        tenantId: row.tenantId,
        carrierId: row.carrierId,
        routeId: row.routeId,
        partIndex: row.partIndex,
        partCount: row.partCount,
        carrierMessageId: row.carrierMessageId,
        traceParent: row.traceParent,
      };
    });
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
