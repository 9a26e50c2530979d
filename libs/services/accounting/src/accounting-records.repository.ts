import { Inject, Injectable } from '@nestjs/common';
import type { SmsStatusEvent } from '@tuxhat/contracts';
import type { AccountingRecord, PrismaClient } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

export interface MessageForRecord {
  readonly id: string;
  readonly destination: string;
  readonly source: string;
}

export type RecordWithMessage = AccountingRecord & { message: MessageForRecord };

/** The accounting_records table: one row per message, written once, published once. */
@Injectable()
export class AccountingRecordsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * Creates the record of each message that reached a final state. A message that already has
   * one keeps it (the first final state wins; replays change nothing).
   */
  async createForFinalEvents(events: readonly SmsStatusEvent[], currency: string): Promise<void> {
    const ids = [...new Set(events.map((event) => event.messageId))];
    const messages = await this.prisma.message.findMany({
      where: { id: { in: ids } },
      select: {
        id: true,
        tenantId: true,
        carrierId: true,
        routeId: true,
        parts: true,
        encoding: true,
        createdAt: true,
      },
    });
    const byId = new Map(messages.map((message) => [message.id, message]));
    const firstFinal = new Map<string, SmsStatusEvent>();
    for (const event of events)
      if (!firstFinal.has(event.messageId)) firstFinal.set(event.messageId, event);

    const rows = [...firstFinal.values()].flatMap((event) => {
      const message = byId.get(event.messageId);
      if (!message) return [];
      return [
        {
          messageId: message.id,
          tenantId: message.tenantId,
          carrierId: event.carrierId ?? message.carrierId,
          routeId: event.routeId ?? message.routeId,
          parts: message.parts,
          encoding: message.encoding,
          finalStatus: event.status,
          // Carrier prices and tenant tariffs arrive with least-cost routing and billing
          // (issues 4 and 5); until a price is configured the honest amount is zero.
          costMinor: 0,
          priceMinor: 0,
          currency,
          submittedAt: message.createdAt,
          finalAt: new Date(event.occurredAt),
        },
      ];
    });
    if (rows.length > 0)
      await this.prisma.accountingRecord.createMany({ data: rows, skipDuplicates: true });
    return;
  }

  /** Records not yet on the accounting topic (among `messageIds`, or all when omitted). */
  async unpublished(messageIds?: readonly string[], limit = 500): Promise<RecordWithMessage[]> {
    return this.prisma.accountingRecord.findMany({
      where: { publishedAt: null, ...(messageIds ? { messageId: { in: [...messageIds] } } : {}) },
      include: { message: { select: { id: true, destination: true, source: true } } },
      orderBy: { finalAt: 'asc' },
      take: limit,
    });
  }

  async markPublished(messageIds: readonly string[], at: Date): Promise<void> {
    await this.prisma.accountingRecord.updateMany({
      where: { messageId: { in: [...messageIds] } },
      data: { publishedAt: at },
    });
  }
}
