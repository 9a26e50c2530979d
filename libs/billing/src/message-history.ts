import { PRIORITY_CLASSES, type PriorityClass } from '@tuxhat/contracts';
import type { PrismaClient } from '@tuxhat/database';

import { type HistoryEntry, type MessageHistory, NO_HISTORY } from './billing-rule';
import type { HistoryRequest } from './billing-engine';

/** Earlier messages held in memory for one batch, by tenant and destination. */
export class LoadedMessageHistory implements MessageHistory {
  private readonly byKey = new Map<string, HistoryEntry[]>();

  constructor(rows: readonly (HistoryEntry & { tenantId: string; destination: string })[]) {
    for (const row of rows) {
      const key = `${row.tenantId}\u0000${row.destination}`;
      const list = this.byKey.get(key) ?? [];
      list.push({
        messageId: row.messageId,
        classOfService: row.classOfService,
        acceptedAt: row.acceptedAt,
      });
      this.byKey.set(key, list);
    }
  }

  sameDestination(tenantId: string, destination: string): readonly HistoryEntry[] {
    return this.byKey.get(`${tenantId}\u0000${destination}`) ?? [];
  }
}

/**
 * The history a batch's billing rules need, in one query on `messages` (index on tenant and
 * acceptance time). Rejected messages are left out: they were never charged.
 */
export async function loadMessageHistory(
  prisma: PrismaClient,
  request: HistoryRequest | null,
): Promise<MessageHistory> {
  if (!request) return NO_HISTORY;
  const rows = await prisma.message.findMany({
    where: {
      tenantId: { in: [...request.tenantIds] },
      destination: { in: [...request.destinations] },
      priority: { in: [...request.classes] },
      createdAt: { gte: request.from, lte: request.to },
      status: { not: 'rejected' },
    },
    select: { id: true, tenantId: true, destination: true, priority: true, createdAt: true },
  });
  return new LoadedMessageHistory(
    rows.map((row) => ({
      messageId: row.id,
      tenantId: row.tenantId,
      destination: row.destination,
      classOfService: asPriorityClass(row.priority),
      acceptedAt: row.createdAt,
    })),
  );
}

export function asPriorityClass(value: string): PriorityClass {
  return (PRIORITY_CLASSES as readonly string[]).includes(value)
    ? (value as PriorityClass)
    : 'transactional';
}
