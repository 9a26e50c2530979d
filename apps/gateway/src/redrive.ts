import { SMS_SUBMITTED, deterministicUuid, messageFields, priorityClass } from '@tuxhat/contracts';
import type { PrismaClient } from '@tuxhat/database';
import type { EventPublisher } from '@tuxhat/messaging';

const messageMetadata = messageFields.shape.metadata.unwrap();

/**
 * All-in-one mode keeps in-flight work in memory; the database is what survives a crash (a 2xx
 * means the message is committed there). At boot, every message that had not reached a carrier
 * yet goes through the pipeline again. Each step is idempotent and the connector skips messages
 * that already have a carrier id, so a message that did get out is not sent twice.
 */
export async function redriveUnfinishedMessages(
  prisma: PrismaClient,
  publisher: EventPublisher,
  pageSize = 1_000,
): Promise<number> {
  let cursor: string | undefined;
  let count = 0;
  for (;;) {
    const page = await prisma.message.findMany({
      where: { status: { in: ['accepted', 'routed'] } },
      orderBy: { id: 'asc' },
      take: pageSize,
      ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
    });
    if (page.length === 0) return count;
    await Promise.all(
      page.map((message) =>
        publisher.publish(SMS_SUBMITTED, {
          version: 1,
          eventId: deterministicUuid(`redrive/${message.id}/${message.updatedAt.toISOString()}`),
          occurredAt: new Date().toISOString(),
          message: {
            messageId: message.id,
            tenantId: message.tenantId,
            destination: message.destination,
            source: message.source,
            text: message.body,
            encoding: message.encoding as 'gsm7' | 'ucs2',
            parts: message.parts,
            ...(message.clientReference ? { clientReference: message.clientReference } : {}),
            acceptedAt: message.createdAt.toISOString(),
            // Everything the tenant asked for travels again: class (lane), validity, schedule,
            // DLR path, metadata.
            priority: priorityClass.parse(message.priority),
            ...(message.validUntil ? { validUntil: message.validUntil.toISOString() } : {}),
            ...(message.scheduledAt ? { scheduledAt: message.scheduledAt.toISOString() } : {}),
            ...(message.callbackUrl ? { callbackUrl: message.callbackUrl } : {}),
            ...(message.metadata ? { metadata: messageMetadata.parse(message.metadata) } : {}),
          },
        }),
      ),
    );
    count += page.length;
    cursor = page.at(-1)?.id;
  }
}
