import { randomBytes } from 'node:crypto';

import { Logger } from '@nestjs/common';
import type { PrismaClient } from '@tuxhat/database';
import { DAY_MS, RetentionSweep, type RetentionTable } from '@tuxhat/runtime';
import { type TestDatabase, createTestDatabase, messageIdAt } from '@tuxhat/testing';

import { resolveDlrOptions } from '../src/dlr.options';
import { DlrRetention } from '../src/retention/dlr-retention';

const NOW = new Date(Date.UTC(2031, 2, 1, 12));
const clock = { now: () => NOW };
const RETENTION_DAYS = 30;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS);
/** Past the retention, and well within it. */
const OLD = daysAgo(RETENTION_DAYS + 1);
const RECENT = daysAgo(RETENTION_DAYS - 1);

describe('dlr message retention (MESSAGE_RETENTION_DAYS)', () => {
  let db: TestDatabase;
  const prisma = (): PrismaClient => db.database.prisma;
  const retention = (messageRetentionDays?: number) =>
    new DlrRetention(prisma(), clock, resolveDlrOptions({ messageRetentionDays }));

  beforeAll(async () => {
    db = await createTestDatabase('dlr_retention');
  });

  afterAll(() => db?.drop());

  /**
   * Rows of one test: a tenant and carrier of its own, so that what a test asserts is about its
   * rows only, whatever the other tests (in any order) left behind or purged.
   */
  function scenario() {
    const run = randomBytes(4).toString('hex');
    const tenantId = `tenant-${run}`;
    const carrierId = `carrier-${run}`;
    let rows = 0;
    const next = () => `${run}-${++rows}`;

    return {
      tenantId,

      /** A carrier id row of a message accepted at `acceptedAt`, sent at `sentAt`. */
      async carrierKey(acceptedAt: Date, sentAt = acceptedAt): Promise<string> {
        const messageId = messageIdAt(acceptedAt);
        const carrierMessageId = next();
        await prisma().dlrCarrierKey.create({
          data: {
            carrierId,
            lookupKey: `t:${carrierMessageId}`,
            messageId,
            tenantId,
            partIndex: 0,
            partCount: 1,
            carrierMessageId,
            routeId: 'route',
            createdAt: sentAt,
          },
        });
        return messageId;
      },

      /** The message is still waiting for its final receipt. */
      async deadline(messageId: string): Promise<void> {
        await prisma().dlrDeadline.create({
          data: {
            messageId,
            tenantId,
            carrierId,
            routeId: 'route',
            partCount: 1,
            expiresAt: new Date(NOW.getTime() + DAY_MS),
            createdAt: OLD,
          },
        });
      },

      async partReceipt(acceptedAt: Date, messageId = messageIdAt(acceptedAt)): Promise<string> {
        const eventId = next();
        await prisma().dlrPartReceipt.create({
          data: {
            eventId,
            messageId,
            carrierId,
            partIndex: 0,
            state: 'delivered',
            rawState: 'DELIVRD',
            carrierMessageId: eventId,
            receivedAt: acceptedAt,
            createdAt: acceptedAt,
          },
        });
        return eventId;
      },

      /** A webhook delivery made at `createdAt`, last attempted (or due) at the same time. */
      async webhookDelivery(
        createdAt: Date,
        state: 'pending' | 'delivered' | 'abandoned',
      ): Promise<string> {
        const id = `wh-${next()}`;
        await prisma().webhookDelivery.create({
          data: {
            id,
            tenantId,
            kind: 'status',
            eventId: next(),
            url: 'https://hooks.example/status',
            payload: '{}',
            state,
            attempts: 1,
            nextAttemptAt: createdAt,
            giveUpAt: new Date(createdAt.getTime() + DAY_MS),
            createdAt,
            ...(state === 'delivered' ? { deliveredAt: createdAt } : {}),
          },
        });
        return id;
      },

      async mo(receivedAt: Date): Promise<string> {
        const id = `mo-${next()}`;
        await prisma().moMessage.create({
          data: {
            id,
            tenantId,
            carrierId,
            source: '+38267000001',
            destination: '12345',
            text: 'HELLO',
            keyword: 'HELLO',
            action: 'unrouted',
            receivedAt,
            createdAt: receivedAt,
          },
        });
        return id;
      },

      /** What is left of this scenario's rows, sorted, by table. */
      async left() {
        const [keys, receipts, deliveries, mos] = await Promise.all([
          prisma().dlrCarrierKey.findMany({ where: { tenantId }, select: { messageId: true } }),
          prisma().dlrPartReceipt.findMany({ where: { carrierId }, select: { eventId: true } }),
          prisma().webhookDelivery.findMany({ where: { tenantId }, select: { id: true } }),
          prisma().moMessage.findMany({ where: { tenantId }, select: { id: true } }),
        ]);
        return {
          keys: keys.map((row) => row.messageId).sort(),
          receipts: receipts.map((row) => row.eventId).sort(),
          deliveries: deliveries.map((row) => row.id).sort(),
          mos: mos.map((row) => row.id).sort(),
        };
      },
    };
  }

  it('deletes what is past the retention and keeps what is recent or still in use', async () => {
    const rows = scenario();
    const oldKey = await rows.carrierKey(OLD);
    const awaitedKey = await rows.carrierKey(OLD);
    await rows.deadline(awaitedKey);
    const recentKey = await rows.carrierKey(RECENT);
    // Accepted long ago, sent recently (a far-off schedule): kept the full retention from sending.
    const lateSentKey = await rows.carrierKey(OLD, RECENT);
    const oldReceipt = await rows.partReceipt(OLD);
    // An earlier part's receipt of a message still waiting for another part's: aggregated later.
    const awaitedReceipt = await rows.partReceipt(OLD, awaitedKey);
    const recentReceipt = await rows.partReceipt(RECENT);
    const oldDelivered = await rows.webhookDelivery(OLD, 'delivered');
    const oldAbandoned = await rows.webhookDelivery(OLD, 'abandoned');
    const oldPending = await rows.webhookDelivery(OLD, 'pending');
    const recentDelivered = await rows.webhookDelivery(RECENT, 'delivered');
    const oldMo = await rows.mo(OLD);
    const recentMo = await rows.mo(RECENT);
    const before = await rows.left();
    expect(before.keys).toContain(oldKey);
    expect(before.receipts).toContain(oldReceipt);
    expect(before.deliveries).toEqual(expect.arrayContaining([oldDelivered, oldAbandoned]));
    expect(before.mos).toContain(oldMo);

    const deleted = await retention(RETENTION_DAYS).sweep.purge();

    expect(await rows.left()).toEqual({
      keys: [awaitedKey, recentKey, lateSentKey].sort(),
      receipts: [awaitedReceipt, recentReceipt].sort(),
      deliveries: [oldPending, recentDelivered].sort(),
      mos: [recentMo],
    });
    // Other tests' rows may have gone in the same purge: at least this one's did.
    expect(deleted['carrier ids']).toBeGreaterThanOrEqual(1);
    expect(deleted['part receipts']).toBeGreaterThanOrEqual(1);
    expect(deleted['webhook deliveries']).toBeGreaterThanOrEqual(2);
    expect(deleted.MO).toBeGreaterThanOrEqual(1);
  });

  it('keeps everything when the retention is unset', async () => {
    const rows = scenario();
    await rows.carrierKey(daysAgo(3_650));
    await rows.partReceipt(daysAgo(3_650));
    await rows.webhookDelivery(daysAgo(3_650), 'delivered');
    await rows.mo(daysAgo(3_650));
    const before = await rows.left();

    expect(await retention(undefined).sweep.purge()).toEqual({});

    expect(await rows.left()).toEqual(before);
    expect(Object.values(before).map((ids) => ids.length)).toEqual([1, 1, 1, 1]);
  });

  it('deletes all old rows in batches no larger than a batch', async () => {
    const rows = scenario();
    for (let index = 0; index < 5; index++) {
      await rows.carrierKey(OLD);
      await rows.partReceipt(OLD);
      await rows.webhookDelivery(OLD, index % 2 === 0 ? 'delivered' : 'abandoned');
      await rows.mo(OLD);
    }
    const batches = new Map<string, number[]>();
    const counted = retention(RETENTION_DAYS)
      .tables()
      .map((table): RetentionTable => ({
        name: table.name,
        deleteBatch: async (before, limit) => {
          const count = await table.deleteBatch(before, limit);
          batches.set(table.name, [...(batches.get(table.name) ?? []), count]);
          return count;
        },
      }));
    const sweep = new RetentionSweep({
      retentionMs: RETENTION_DAYS * DAY_MS,
      tables: counted,
      clock,
      logger: new Logger('dlr retention test'),
      rowsPerDelete: 2,
    });

    await sweep.purge();

    expect(await rows.left()).toEqual({ keys: [], receipts: [], deliveries: [], mos: [] });
    expect([...batches.keys()]).toEqual([
      'carrier ids',
      'part receipts',
      'webhook deliveries',
      'MO',
    ]);
    for (const [name, counts] of batches) {
      expect([name, Math.max(...counts)]).toEqual([name, 2]);
      // 5 rows (and maybe other tests' leftovers), 2 a batch: at least 3 batches each.
      expect([name, counts.length >= 3]).toEqual([name, true]);
    }
  });

  it('skips rows another replica is deleting instead of waiting for them', async () => {
    const rows = scenario();
    const lockedKey = await rows.carrierKey(OLD);
    const freeKey = await rows.carrierKey(OLD);
    const lockedMo = await rows.mo(OLD);
    const freeMo = await rows.mo(OLD);

    const left = await prisma().$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM dlr_carrier_keys WHERE message_id = ${lockedKey} FOR UPDATE`;
      await tx.$queryRaw`SELECT 1 FROM mo_messages WHERE id = ${lockedMo} FOR UPDATE`;
      // On another connection of the pool, while this transaction holds the two rows.
      await retention(RETENTION_DAYS).sweep.purge();
      return rows.left();
    });

    expect(left.keys).toEqual([lockedKey]);
    expect(left.mos).toEqual([lockedMo]);
    expect(left.keys).not.toContain(freeKey);
    expect(left.mos).not.toContain(freeMo);
  });
});
