import type { PrismaClient } from '@tuxhat/database';
import { DAY_MS } from '@tuxhat/runtime';
import { createTestDatabase, messageIdAt, type TestDatabase } from '@tuxhat/testing';

import { ReservationRetention } from '../src';
import {
  ManualClock,
  type RunningPolicy,
  createTenant,
  startPolicy,
} from './support/policy-harness';

type State = 'reserved' | 'settled' | 'released';

// MESSAGE_RETENTION_DAYS in the policy service against real PostgreSQL: which prepaid
// reservations go. Each test has its own tenant and looks only at its rows.
describe('prepaid reservation retention', () => {
  const now = Date.parse('2026-01-15T12:00:00Z');
  const cutoff = now - 30 * DAY_MS;
  let db: TestDatabase;
  let prisma: PrismaClient;
  const running: RunningPolicy[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('policy_retention');
    prisma = db.database.prisma;
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((policy) => policy.close()));
  });

  afterAll(async () => {
    await db?.drop();
  });

  async function retention(messageRetentionDays?: number): Promise<ReservationRetention> {
    const policy = await startPolicy(prisma, new ManualClock(now), { messageRetentionDays });
    running.push(policy);
    return policy.app.get(ReservationRetention, { strict: false });
  }

  /** Writes one reservation per entry; returns the ids by name. */
  async function reserve(
    tenantId: string,
    rows: Record<string, { idAt: number; createdAt?: number; state: State }>,
  ): Promise<Record<string, string>> {
    const ids = Object.fromEntries(
      Object.entries(rows).map(([name, row]) => [name, messageIdAt(row.idAt)]),
    );
    await prisma.balanceReservation.createMany({
      data: Object.entries(rows).map(([name, row]) => ({
        messageId: ids[name],
        tenantId,
        amountMinor: 5n,
        currency: 'EUR',
        state: row.state,
        createdAt: new Date(row.createdAt ?? row.idAt),
        settledAt: row.state === 'reserved' ? null : new Date(row.idAt + 60_000),
      })),
    });
    return ids;
  }

  async function left(tenantId: string): Promise<string[]> {
    const rows = await prisma.balanceReservation.findMany({
      where: { tenantId },
      select: { messageId: true },
    });
    return rows.map((row) => row.messageId).sort();
  }

  it('deletes settled and released reservations older than the retention, keeps the rest', async () => {
    const tenant = await createTenant(prisma, 'retention');
    const ids = await reserve(tenant, {
      oldSettled: { idAt: cutoff - 10 * DAY_MS, state: 'settled' },
      oldReleased: { idAt: cutoff - 1, state: 'released' },
      oldReserved: { idAt: cutoff - 10 * DAY_MS, state: 'reserved' },
      recentSettled: { idAt: cutoff + 1, state: 'settled' },
      atCutoff: { idAt: cutoff, state: 'released' },
      // Scheduled long ahead: accepted before the cutoff, reserved when it was due.
      reservedLate: { idAt: cutoff - 5 * DAY_MS, createdAt: cutoff + DAY_MS, state: 'settled' },
      // Ingress's clock behind the policy's: the id says recent, which is enough to stay.
      idLater: { idAt: cutoff, createdAt: cutoff - DAY_MS, state: 'settled' },
    });

    const deleted = await (await retention(30)).sweep.purge();

    expect(deleted['prepaid reservations']).toBeGreaterThanOrEqual(2);
    expect(await left(tenant)).toEqual(
      [ids.oldReserved, ids.recentSettled, ids.atCutoff, ids.reservedLate, ids.idLater].sort(),
    );
  });

  it('deletes nothing while MESSAGE_RETENTION_DAYS is unset', async () => {
    const tenant = await createTenant(prisma, 'forever');
    const ids = await reserve(tenant, {
      ancient: { idAt: now - 3_000 * DAY_MS, state: 'settled' },
      old: { idAt: now - 40 * DAY_MS, state: 'released' },
    });

    const deleted = await (await retention()).sweep.purge();

    expect(deleted).toEqual({});
    expect(await left(tenant)).toEqual([ids.ancient, ids.old].sort());
  });
});
