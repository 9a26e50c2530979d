import { setTimeout as delay } from 'node:timers/promises';

import { SMS_SUBMITTED, deterministicUuid } from '@tuxhat/contracts';
import { type PrismaClient, sqlOf } from '@tuxhat/database';
import type { EventPublisher } from '@tuxhat/messaging';

import { type StoredSubmission, submittedEventOf } from './submitted-event';

export interface ParkedFeederOptions {
  /** Records queued in the bus now (InProcessBroker.queued). */
  readonly queued: () => number;
  /** The backlog at which ingress parks (BUS_BACKLOG_LIMIT). */
  readonly limit: number;
  /**
   * How many times this gateway's ingress parked messages (SharedBusBacklog.parkings): once
   * the parking is empty, the database is asked again when this changes, or after
   * `recheckEveryMs` (messages another gateway on the same database parked before it stopped).
   * Absent: the database is asked at every look.
   */
  readonly parkings?: () => number;
  readonly recheckEveryMs?: number;
  readonly pageSize?: number;
  /** Between two looks at the backlog while it has no room or nothing is parked (tests step it). */
  readonly pause?: () => Promise<void>;
  /** Milliseconds since some fixed point (tests step it). */
  readonly now?: () => number;
  readonly signal?: AbortSignal;
  /** Each page published, for the log and tests. */
  readonly onFed?: (count: number) => void;
}

/**
 * Claims the oldest parked messages and takes them out of the parking in one statement. SKIP
 * LOCKED: two gateways on one database (a rolling restart) never take the same rows.
 */
const CLAIM_SQL = `
  WITH claimed AS (
    SELECT id, parked_at FROM messages WHERE parked_at IS NOT NULL
    ORDER BY parked_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
  UPDATE messages m SET parked_at = NULL
  FROM claimed c WHERE m.id = c.id
  RETURNING m.id, m.tenant_id AS "tenantId", m.destination, m.source, m.body, m.encoding,
    m.parts, m.client_reference AS "clientReference", m.created_at AS "createdAt", m.priority,
    m.valid_until AS "validUntil", m.scheduled_at AS "scheduledAt",
    m.callback_url AS "callbackUrl", m.metadata, c.parked_at AS "parkedAt"`;

/**
 * Hard-storage queueing, all-in-one mode: while the bus's in-memory backlog is full, ingress
 * commits new messages parked instead of publishing them (libs/services/ingress,
 * BusBacklog). This loop publishes them, oldest first, once the backlog is under half the
 * limit, as much as fits under the limit. A message claimed here and not published before a
 * crash is `accepted` and no longer parked: the next boot re-drives it. Resolves when aborted.
 */
export async function feedParkedMessages(
  prisma: PrismaClient,
  publisher: EventPublisher,
  options: ParkedFeederOptions,
): Promise<void> {
  const pageSize = options.pageSize ?? 1_000;
  const pause = options.pause ?? (() => delay(100));
  const now = options.now ?? (() => performance.now());
  const recheckEveryMs = options.recheckEveryMs ?? 5_000;
  // The parkings count when the parking was last found empty, and when that was; none at boot:
  // the last run may have left messages parked.
  let emptyAt: { parkings: number; time: number } | undefined;
  while (!options.signal?.aborted) {
    const parkings = options.parkings?.();
    if (
      emptyAt !== undefined &&
      parkings === emptyAt.parkings &&
      now() - emptyAt.time < recheckEveryMs
    ) {
      await pause();
      continue;
    }
    const queued = options.queued();
    const room = queued < options.limit / 2 ? Math.min(pageSize, options.limit - queued) : 0;
    const page = room > 0 ? await claim(prisma, room) : [];
    // Read before the claim: a message parked after it was counted after its commit, so either
    // the claim saw it or the count has moved on since.
    if (room > 0 && page.length < room && parkings !== undefined) {
      emptyAt = { parkings, time: now() };
    }
    if (page.length > 0) {
      await Promise.all(
        page.map((message) =>
          publisher.publish(
            SMS_SUBMITTED,
            submittedEventOf(message, deterministicUuid(`unparked/${message.id}`)),
          ),
        ),
      );
      options.onFed?.(page.length);
    }
    // A full page may have more behind it; otherwise wait for room or for new parked rows.
    if (page.length < room || room === 0) await pause();
  }
}

/** The oldest parked messages, oldest first (UPDATE ... RETURNING keeps no order of its own). */
async function claim(prisma: PrismaClient, count: number): Promise<StoredSubmission[]> {
  const rows = await sqlOf(prisma).query<StoredSubmission & { parkedAt: Date }>(CLAIM_SQL, [count]);
  return rows.sort((a, b) => a.parkedAt.getTime() - b.parkedAt.getTime() || (a.id < b.id ? -1 : 1));
}
