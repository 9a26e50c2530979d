import { Inject, Injectable } from '@nestjs/common';
import type { Message, MessageStatusEvent, Prisma, PrismaClient } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

import type { StoredResponse } from './idempotency';
import type { ListQuery } from './list-query.validation';

export type MessageWithHistory = Message & { readonly statusEvents: MessageStatusEvent[] };

/** A message that could not be handed to the bus: marked failed, with its history row. */
export interface Unpublished {
  readonly messageId: string;
  readonly eventId: string;
}

/** Reads and corrections of a tenant's messages (new messages go through MessageWriter). */
@Injectable()
export class MessagesRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * The message with its history, only if it belongs to `tenantId`: every read is scoped to the
   * caller's tenant in the query itself, so another tenant's id looks exactly like an unknown one.
   */
  findForTenant(tenantId: string, id: string): Promise<MessageWithHistory | null> {
    return this.prisma.message.findFirst({
      where: { id, tenantId },
      include: { statusEvents: { orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] } },
    });
  }

  /**
   * One page of the tenant's messages, newest first, keyset-paginated on (createdAt, id): one
   * more row than asked tells whether there is a next page.
   */
  listForTenant(tenantId: string, query: ListQuery): Promise<Message[]> {
    const where: Prisma.MessageWhereInput = { tenantId };
    if (query.statuses) where.status = { in: [...query.statuses] };
    if (query.to !== undefined) where.destination = query.to;
    if (query.from !== undefined) where.source = query.from;
    if (query.since !== undefined || query.until !== undefined) {
      where.createdAt = {
        ...(query.since ? { gte: query.since } : {}),
        ...(query.until ? { lt: query.until } : {}),
      };
    }
    const cursor = query.cursor;
    return this.prisma.message.findMany({
      where: cursor
        ? {
            AND: [
              where,
              {
                OR: [
                  { createdAt: { lt: cursor.createdAt } },
                  { createdAt: cursor.createdAt, id: { lt: cursor.id } },
                ],
              },
            ],
          }
        : where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    });
  }

  /**
   * Marks messages that could not be handed to the bus as failed, with their history rows, so
   * they do not sit in `accepted` forever (re-driven later, they would be sent after the tenant
   * was told they were not). Only from `accepted`: anything later means the event did get
   * through after all. In the same transaction the request's idempotency key is released (a
   * retry with the key must send, not replay) or its stored answer corrected.
   */
  async markFailed(
    failures: readonly Unpublished[],
    failure: { detail: string; source: string; at: Date },
    key:
      | {
          readonly tenantId: string;
          readonly key: string;
          readonly response: StoredResponse | null;
        }
      | undefined,
  ): Promise<void> {
    const ids = failures.map((item) => item.messageId);
    const steps: Prisma.PrismaPromise<unknown>[] = [
      this.prisma.message.updateMany({
        where: { id: { in: ids }, status: 'accepted' },
        data: { status: 'failed', statusDetail: failure.detail, updatedAt: failure.at },
      }),
      this.prisma.messageStatusEvent.createMany({
        data: failures.map((item) => ({
          eventId: item.eventId,
          messageId: item.messageId,
          status: 'failed' as const,
          detail: failure.detail,
          source: failure.source,
          occurredAt: failure.at,
        })),
        skipDuplicates: true,
      }),
    ];
    if (key) {
      const where = { tenantId: key.tenantId, key: key.key };
      steps.push(
        key.response === null
          ? this.prisma.idempotencyKey.deleteMany({ where })
          : this.prisma.idempotencyKey.updateMany({
              where,
              data: { response: key.response as unknown as Prisma.InputJsonValue },
            }),
      );
    }
    await this.prisma.$transaction(steps);
  }
}
