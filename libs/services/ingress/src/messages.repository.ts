import { Inject, Injectable } from '@nestjs/common';
import type { Message, MessageStatusEvent, PrismaClient } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

export type MessageWithHistory = Message & { readonly statusEvents: MessageStatusEvent[] };

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
   * Marks a message that could not be handed to the bus as failed, with its history row, so it
   * does not sit in `accepted` forever. Only from `accepted`: anything later means the event
   * did get through after all.
   */
  async markFailed(
    id: string,
    failure: { eventId: string; detail: string; source: string; at: Date },
  ): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.message.updateMany({
        where: { id, status: 'accepted' },
        data: { status: 'failed', statusDetail: failure.detail, updatedAt: failure.at },
      }),
      this.prisma.messageStatusEvent.createMany({
        data: [
          {
            eventId: failure.eventId,
            messageId: id,
            status: 'failed',
            detail: failure.detail,
            source: failure.source,
            occurredAt: failure.at,
          },
        ],
        skipDuplicates: true,
      }),
    ]);
  }
}
