import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type PrismaClient, runSql } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

/**
 * sns_delivery_status_cursors: per delivery status log group, how far it has been read and
 * which pod reads it. Every pod serving a carrier with `deliveryStatus` tries to claim its
 * groups before each read; one claim holds until its lease lapses or its holder renews it, so
 * one pod at a time reads a group and a status becomes one receipt, not one per pod.
 */
@Injectable()
export class DeliveryStatusCursors {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * Claims (or renews) the group's lease for `leaseMs` and returns how far it was read; a group
   * never read before starts at `startAt`. Undefined while another pod holds a live lease.
   */
  async claim(
    logGroup: string,
    owner: string,
    leaseMs: number,
    startAt: Date,
  ): Promise<Date | undefined> {
    const [row] = await runSql<{ read_until: Date }>(
      this.prisma,
      Prisma.sql`
      INSERT INTO sns_delivery_status_cursors AS c (log_group, read_until, lease_owner, lease_until)
      VALUES (${logGroup}, ${startAt.toISOString()}::timestamptz, ${owner},
              now() + ${leaseMs} * interval '1 millisecond')
      ON CONFLICT (log_group) DO UPDATE
        SET lease_owner = EXCLUDED.lease_owner, lease_until = EXCLUDED.lease_until
        WHERE c.lease_owner = EXCLUDED.lease_owner OR c.lease_until IS NULL OR c.lease_until < now()
      RETURNING c.read_until`,
    );
    return row ? new Date(row.read_until) : undefined;
  }

  /**
   * Moves the group's cursor forward to `readUntil` (never back) while `owner` holds it.
   * Returns false when the lease was lost meanwhile (another pod reads the group from its own
   * cursor; what this read published is recorded once all the same).
   */
  async advance(logGroup: string, owner: string, readUntil: Date): Promise<boolean> {
    const rows = await runSql<{ log_group: string }>(
      this.prisma,
      Prisma.sql`
      UPDATE sns_delivery_status_cursors
         SET read_until = greatest(read_until, ${readUntil.toISOString()}::timestamptz)
       WHERE log_group = ${logGroup} AND lease_owner = ${owner}
      RETURNING log_group`,
    );
    return rows.length > 0;
  }

  /** Gives up the leases `owner` holds on these groups, so that another pod reads them at once. */
  async release(logGroups: readonly string[], owner: string): Promise<void> {
    if (logGroups.length === 0) return;
    await runSql(
      this.prisma,
      Prisma.sql`
      UPDATE sns_delivery_status_cursors SET lease_until = NULL
       WHERE log_group = ANY(${[...logGroups]}::text[]) AND lease_owner = ${owner}`,
    );
  }
}
