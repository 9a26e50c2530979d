import { Inject, Injectable } from '@nestjs/common';
import type { SmsSentEvent } from '@tuxhat/contracts';
import type { PrismaClient } from '@tuxhat/database';
import { messageTraceParent } from '@tuxhat/messaging';
import { PRISMA } from '@tuxhat/runtime';

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

export interface ReceiptRef {
  readonly carrierId: string;
  readonly carrierMessageId: string;
}

/** Carrier message id -> our message part: written when the carrier accepts, read for each receipt. */
@Injectable()
export class CorrelationRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * Stores every key of every part of the batch, and carrier_message_ids (the id as the
   * connectors' replay guard knows it), in one transaction of two statements. Column arrays
   * through unnest: a handful of parameters however many rows (a batch is thousands of keys,
   * which Prisma's createMany would turn into tens of thousands of parameters).
   */
  async record(events: readonly SmsSentEvent[]): Promise<void> {
    const parts = events.flatMap((event) =>
      event.parts.map((part) => ({ event, part, partCount: event.parts.length })),
    );
    if (parts.length === 0) return;
    const keys = parts.flatMap(({ event, part, partCount }) =>
      lookupKeys(part.carrierMessageId).map((lookupKey) => ({ event, part, partCount, lookupKey })),
    );
    const traceParents = new Map(
      events.map((event) => [event.messageId, messageTraceParent(event.messageId) ?? null]),
    );
    await this.prisma.$transaction([
      this.prisma.$executeRaw`
        INSERT INTO dlr_carrier_keys (carrier_id, lookup_key, message_id, tenant_id, part_index,
                                      part_count, carrier_message_id, route_id, trace_parent)
        SELECT * FROM unnest(
          ${keys.map((key) => key.event.carrierId)}::text[],
          ${keys.map((key) => key.lookupKey)}::text[],
          ${keys.map((key) => key.event.messageId)}::text[],
          ${keys.map((key) => key.event.tenantId)}::text[],
          ${keys.map((key) => key.part.partIndex)}::int[],
          ${keys.map((key) => key.partCount)}::int[],
          ${keys.map((key) => key.part.carrierMessageId)}::text[],
          ${keys.map((key) => key.event.routeId)}::text[],
          ${keys.map((key) => traceParents.get(key.event.messageId) ?? null)}::text[])
        ON CONFLICT DO NOTHING`,
      this.prisma.$executeRaw`
        INSERT INTO carrier_message_ids (carrier_id, carrier_message_id, message_id, part_index)
        SELECT * FROM unnest(
          ${parts.map(({ event }) => event.carrierId)}::text[],
          ${parts.map(({ part }) => part.carrierMessageId.trim().toLowerCase())}::text[],
          ${parts.map(({ event }) => event.messageId)}::text[],
          ${parts.map(({ part }) => part.partIndex)}::int[])
        ON CONFLICT DO NOTHING`,
    ]);
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
    const rows = await this.prisma.dlrCarrierKey.findMany({
      where: {
        OR: [...keysByCarrier].map(([carrierId, keys]) => ({
          carrierId,
          lookupKey: { in: [...keys] },
        })),
      },
    });
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
        if (
          !best ||
          rank < best.rank ||
          (rank === best.rank && row.createdAt.getTime() > best.row.createdAt.getTime())
        ) {
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
