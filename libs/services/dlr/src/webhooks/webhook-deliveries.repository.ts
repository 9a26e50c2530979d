import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type PrismaClient, runSql } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

export type WebhookKind = 'status' | 'mo' | 'trigger';

export interface NewDeliveryRow {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: WebhookKind;
  readonly eventId: string;
  readonly url: string;
  readonly payload: string;
  readonly nextAttemptAt: Date;
  /**
   * Set when this instance attempts it at once (nextAttemptAt is then the same: the lease's
   * end); null leaves it to the poller.
   */
  readonly leaseUntil: Date | null;
  readonly giveUpAt: Date;
}

/** A delivery a dispatcher holds (claimed or just inserted with a lease). */
export interface DeliveryJob {
  readonly id: string;
  readonly tenantId: string;
  readonly eventId: string;
  readonly url: string;
  readonly payload: string;
  /** Attempts made before this one. */
  readonly attempts: number;
  readonly leaseUntil: Date;
}

export interface FailedGroup {
  readonly ids: readonly string[];
  readonly nextAttemptAt: Date;
  readonly error: string;
  readonly statusCode: number | null;
}

const JOB_FIELDS = {
  id: true,
  tenantId: true,
  eventId: true,
  url: true,
  payload: true,
  attempts: true,
  leaseUntil: true,
} as const;

/** The webhook_deliveries outbox. Every method is one statement for many rows. */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * Inserts new deliveries in one statement (column arrays through unnest: bodies make
   * createMany's parameter lists huge); returns the ids actually inserted (a replayed event's
   * deliveries exist already and are skipped).
   */
  async insert(rows: readonly NewDeliveryRow[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const inserted = await runSql<{ id: string }>(
      this.prisma,
      Prisma.sql`
      INSERT INTO webhook_deliveries (id, tenant_id, kind, event_id, url, payload,
                                      next_attempt_at, lease_until, give_up_at)
      SELECT * FROM unnest(
        ${rows.map((row) => row.id)}::text[],
        ${rows.map((row) => row.tenantId)}::text[],
        ${rows.map((row) => row.kind)}::text[],
        ${rows.map((row) => row.eventId)}::text[],
        ${rows.map((row) => row.url)}::text[],
        ${rows.map((row) => row.payload)}::text[],
        ${rows.map((row) => row.nextAttemptAt.toISOString())}::timestamptz[],
        ${rows.map((row) => row.leaseUntil?.toISOString() ?? null)}::timestamptz[],
        ${rows.map((row) => row.giveUpAt.toISOString())}::timestamptz[])
      ON CONFLICT (id) DO NOTHING
      RETURNING id`,
      'dlr-webhook-insert',
    );
    return new Set(inserted.map((row) => row.id));
  }

  /**
   * Claims due deliveries (pending, due, not leased or lease lapsed), at most `roomOf(tenant)`
   * per tenant, tenants in `skipTenants` not at all. Safe across instances: the claiming
   * UPDATE re-checks the lease, so a row claimed by another instance in between is skipped.
   */
  async claimDue(options: {
    readonly now: Date;
    readonly limit: number;
    readonly leaseUntil: Date;
    readonly skipTenants: readonly string[];
    readonly roomOf: (tenantId: string) => number;
  }): Promise<DeliveryJob[]> {
    const { now } = options;
    // A claimed delivery's next attempt time is its lease's end: due means unclaimed or lapsed.
    const due = { state: 'pending' as const, nextAttemptAt: { lte: now } };
    const candidates = await this.prisma.webhookDelivery.findMany({
      where: {
        ...due,
        ...(options.skipTenants.length > 0
          ? { tenantId: { notIn: [...options.skipTenants] } }
          : {}),
      },
      orderBy: { nextAttemptAt: 'asc' },
      take: options.limit,
      select: { id: true, tenantId: true },
    });
    const taken = new Map<string, number>();
    const ids: string[] = [];
    for (const candidate of candidates) {
      const count = taken.get(candidate.tenantId) ?? 0;
      if (count >= options.roomOf(candidate.tenantId)) continue;
      taken.set(candidate.tenantId, count + 1);
      ids.push(candidate.id);
    }
    if (ids.length === 0) return [];
    const claimed = await this.prisma.webhookDelivery.updateManyAndReturn({
      where: { id: { in: ids }, ...due },
      data: { leaseUntil: options.leaseUntil, nextAttemptAt: options.leaseUntil },
      select: JOB_FIELDS,
    });
    return claimed.map((row) => ({ ...row, leaseUntil: row.leaseUntil ?? options.leaseUntil }));
  }

  async markDelivered(ids: readonly string[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    await runSql(
      this.prisma,
      Prisma.sql`
      UPDATE webhook_deliveries
      SET state = 'delivered', delivered_at = ${now}::timestamptz, lease_until = NULL,
          attempts = attempts + 1, last_error = NULL
      WHERE id = ANY(${[...ids]}::text[])`,
      'dlr-webhook-delivered',
    );
  }

  /**
   * Records a failed attempt for a group of deliveries that share the next attempt time and the
   * error; those past their give-up time are abandoned (kept, with the last error).
   */
  async markFailed(group: FailedGroup): Promise<void> {
    const data = {
      attempts: { increment: 1 },
      leaseUntil: null,
      nextAttemptAt: group.nextAttemptAt,
      lastError: group.error.slice(0, 1_000),
      lastStatusCode: group.statusCode,
    };
    const ids = [...group.ids];
    await this.prisma.$transaction([
      this.prisma.webhookDelivery.updateMany({
        where: { id: { in: ids }, giveUpAt: { gte: group.nextAttemptAt } },
        data,
      }),
      this.prisma.webhookDelivery.updateMany({
        where: { id: { in: ids }, giveUpAt: { lt: group.nextAttemptAt } },
        data: { ...data, state: 'abandoned' },
      }),
    ]);
  }

  /** Gives claimed but unattempted deliveries back to the poller, due now (shutdown). */
  async release(ids: readonly string[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.prisma.webhookDelivery.updateMany({
      where: { id: { in: [...ids] }, state: 'pending' },
      data: { leaseUntil: null, nextAttemptAt: now },
    });
  }
}
