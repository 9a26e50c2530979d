import { randomUUID } from 'node:crypto';

import { ConsoleLogger, type INestMicroservice } from '@nestjs/common';
import type { PrismaClient } from '@tuxhat/database';
import { Bus, InProcessBroker } from '@tuxhat/messaging';
import { DAY_MS, type ServiceRuntime, startConsumerService } from '@tuxhat/runtime';
import { createTestDatabase, createTestPglite } from '@tuxhat/testing';

import { DeadLetterRetention } from '../src/dead-letter-retention';
import { DeadLetterModule } from '../src/dead-letter.module';

// The first PGlite of a test run makes the migrated template (every migration, in WASM): about
// 30 s on a 2-core machine, over a minute when the machine is slow.
jest.setTimeout(180_000);

// MESSAGE_RETENTION_DAYS on all-in-one's dead letters, on both databases the gateway runs on
// (embedded PGlite by default, PostgreSQL with DATABASE_URL). Each test has its own consumer
// group and looks only at its rows.
describe.each([
  ['PostgreSQL', () => createTestDatabase('dead_letter_retention')],
  ['embedded PGlite', () => createTestPglite('dead-letter-retention')],
])('dead letter retention on %s', (_, createDatabase) => {
  const now = Date.parse('2026-11-26T10:00:00.000Z');
  const cutoff = now - 8 * DAY_MS;
  const logger = new ConsoleLogger('dead-letter-test', { logLevels: ['error', 'warn'] });
  let db: Awaited<ReturnType<typeof createDatabase>>;
  let prisma: PrismaClient;
  const apps: INestMicroservice[] = [];

  beforeAll(async () => {
    db = await createDatabase();
    prisma = db.database.prisma;
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  afterAll(async () => {
    await db?.drop();
  });

  async function retention(messageRetentionDays?: number): Promise<DeadLetterRetention> {
    const runtime: ServiceRuntime = {
      bus: Bus.create({ kind: 'in-process', broker: new InProcessBroker() }, logger),
      prisma,
      clock: { now: () => new Date(now) },
    };
    const app = await startConsumerService({
      name: 'gateway',
      module: DeadLetterModule.forRoot(runtime, { messageRetentionDays }),
      runtime,
      logger,
      shutdownHooks: false,
    });
    apps.push(app);
    return app.get(DeadLetterRetention, { strict: false });
  }

  /** Stores one dead letter per entry, failed at the time given; returns the group's name. */
  async function deadLetters(failedAt: Record<string, number>): Promise<string> {
    const group = `group-${randomUUID()}`;
    await prisma.deadLetter.createMany({
      data: Object.entries(failedAt).map(([name, at]) => ({
        eventId: `${group}-${name}`,
        originalTopic: 'sms.status.v1',
        originalKey: name,
        consumerGroup: group,
        reason: 'handler failed',
        attempts: 5,
        payload: '{}',
        failedAt: new Date(at),
      })),
    });
    return group;
  }

  async function left(group: string): Promise<string[]> {
    const rows = await prisma.deadLetter.findMany({
      where: { consumerGroup: group },
      select: { originalKey: true },
    });
    return rows.map((row) => row.originalKey ?? '').sort();
  }

  it('deletes dead letters that failed before the retention, keeps recent ones', async () => {
    const group = await deadLetters({
      old: cutoff - 30 * DAY_MS,
      justBefore: cutoff - 1,
      atCutoff: cutoff,
      recent: now - 60_000,
    });

    const deleted = await (await retention(8)).sweep.purge();

    expect(deleted['dead letters']).toBeGreaterThanOrEqual(2);
    expect(await left(group)).toEqual(['atCutoff', 'recent']);
  });

  it('deletes nothing while MESSAGE_RETENTION_DAYS is unset', async () => {
    const group = await deadLetters({ ancient: now - 3_000 * DAY_MS, old: cutoff - DAY_MS });

    const deleted = await (await retention()).sweep.purge();

    expect(deleted).toEqual({});
    expect(await left(group)).toEqual(['ancient', 'old']);
  });
});
