import { setTimeout as delay } from 'node:timers/promises';

import { SMS_SUBMITTED, deterministicUuid } from '@tuxhat/contracts';
import type { PrismaClient } from '@tuxhat/database';
import type { EventPublisher } from '@tuxhat/messaging';

import { submittedEventOf } from './submitted-event';

const UNFINISHED = { status: { in: ['accepted' as const, 'routed' as const] } };

/**
 * Not at a carrier yet, and accepted before `bootedAt` (later ones are this run's own). Parked
 * messages are the feeder's (parked-feeder.ts).
 */
function unfinishedBefore(bootedAt: Date) {
  return { ...UNFINISHED, createdAt: { lt: bootedAt }, parkedAt: null };
}

export interface RedriveOptions {
  /**
   * Re-driven messages still on their way to a carrier at most. The in-process bus holds a
   * message's events in memory (about 3 KB each, bench/RESULTS.md session 12): published all
   * at once, a backlog of a million messages would need gigabytes, and a gateway that crashed
   * for want of memory would crash again at every boot.
   */
  readonly window?: number;
  readonly pageSize?: number;
  /**
   * How long a re-driven message may hold a place in the window. One that is stuck (a bug, an
   * event dead-lettered before any status) must not stop the re-drive for good.
   */
  readonly maxWaitMs?: number;
  /** Between two looks at the window (tests step it by hand). */
  readonly pause?: () => Promise<void>;
  /** Ends the re-drive at shutdown: what is left is re-driven at the next boot. */
  readonly signal?: AbortSignal;
  readonly now?: () => number;
}

/** How many messages had not reached a carrier when the gateway last stopped. */
export function countUnfinishedMessages(prisma: PrismaClient, bootedAt: Date): Promise<number> {
  return prisma.message.count({ where: unfinishedBefore(bootedAt) });
}

/**
 * All-in-one mode keeps in-flight work in memory; the database is what survives a crash (a 2xx
 * means the message is committed there). At boot, every message that had not reached a carrier
 * yet goes through the pipeline again, a window at a time: a page is published only while fewer
 * than `window` re-driven messages are still on their way (accepted or routed, and not held by
 * the policy for later). Each step is idempotent and the connector skips messages that already
 * have a carrier id, so a message that did get out is not sent twice. Resolves with how many
 * were re-driven (all of them, unless stopped).
 */
export async function redriveUnfinishedMessages(
  prisma: PrismaClient,
  publisher: EventPublisher,
  /**
   * When this process started. Messages accepted since are on the bus already: re-driven too,
   * they would travel twice, and the connector's replay guard trusts its memory for them.
   */
  bootedAt: Date,
  options: RedriveOptions = {},
): Promise<number> {
  const window = options.window ?? 5_000;
  const pageSize = Math.min(options.pageSize ?? 1_000, window);
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const pause = options.pause ?? (() => delay(200));
  const now = options.now ?? Date.now;
  /** Re-driven messages that may still be on their way, by when they were published. */
  let onTheirWay = new Map<string, number>();
  let cursor: string | undefined;
  let count = 0;
  for (;;) {
    while (onTheirWay.size + pageSize > window) {
      if (options.signal?.aborted) return count;
      await pause();
      onTheirWay = await stillOnTheirWay(prisma, onTheirWay, now() - maxWaitMs);
    }
    if (options.signal?.aborted) return count;
    const page = await prisma.message.findMany({
      where: unfinishedBefore(bootedAt),
      orderBy: { id: 'asc' },
      take: pageSize,
      ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
    });
    if (page.length === 0) return count;
    const publishedAt = now();
    await Promise.all(
      page.map((message) =>
        publisher.publish(
          SMS_SUBMITTED,
          submittedEventOf(
            message,
            deterministicUuid(`redrive/${message.id}/${message.updatedAt.toISOString()}`),
          ),
        ),
      ),
    );
    for (const message of page) onTheirWay.set(message.id, publishedAt);
    count += page.length;
    cursor = page.at(-1)?.id;
  }
}

/**
 * The re-driven messages still accepted or routed, and not in the policy's durable hold (a
 * message deferred to a time window or a schedule waits in the database, not in memory), minus
 * those published before `giveUpBefore`.
 */
async function stillOnTheirWay(
  prisma: PrismaClient,
  onTheirWay: ReadonlyMap<string, number>,
  giveUpBefore: number,
): Promise<Map<string, number>> {
  const ids = [...onTheirWay].filter(([, at]) => at >= giveUpBefore).map(([id]) => id);
  if (ids.length === 0) return new Map();
  const rows = await prisma.message.findMany({
    where: { id: { in: ids }, ...UNFINISHED },
    select: { id: true },
  });
  const held = await prisma.deferredMessage.findMany({
    where: { messageId: { in: rows.map((row) => row.id) } },
    select: { messageId: true },
  });
  const heldIds = new Set(held.map((row) => row.messageId));
  return new Map(
    rows.filter((row) => !heldIds.has(row.id)).map((row) => [row.id, onTheirWay.get(row.id)!]),
  );
}
