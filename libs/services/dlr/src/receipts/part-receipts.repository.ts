import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type PrismaClient } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

import { jsonRows } from '../sql';
import type { PartReceipt } from './part-aggregation';

/**
 * dlr_part_receipts: every receipt of every part, the per-part detail behind a message's state
 * (written with the receipt's match, CorrelationRepository.recordReceipts).
 */
@Injectable()
export class PartReceiptsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** The receipts of these messages on these carriers, by `${messageId}\n${carrierId}`. */
  async of(
    pairs: readonly { messageId: string; carrierId: string }[],
  ): Promise<Map<string, PartReceipt[]>> {
    const result = new Map<string, PartReceipt[]>();
    if (pairs.length === 0) return result;
    const rows = await jsonRows<
      Omit<PartReceipt, 'receivedAt'> & { messageId: string; carrierId: string; receivedAt: string }
    >(
      this.prisma,
      Prisma.sql`
        SELECT message_id AS "messageId", carrier_id AS "carrierId", part_index AS "partIndex",
               state, raw_state AS "rawState", error_code AS "errorCode",
               received_at AS "receivedAt"
        FROM dlr_part_receipts
        WHERE message_id = ANY(${[...new Set(pairs.map((pair) => pair.messageId))]}::text[])`,
    );
    const wanted = new Set(pairs.map((pair) => pairKey(pair.messageId, pair.carrierId)));
    for (const row of rows) {
      const key = pairKey(row.messageId, row.carrierId);
      if (!wanted.has(key)) continue;
      const list = result.get(key) ?? [];
      list.push({ ...row, receivedAt: new Date(row.receivedAt) });
      result.set(key, list);
    }
    return result;
  }
}

export function pairKey(messageId: string, carrierId: string): string {
  return `${messageId}\n${carrierId}`;
}
