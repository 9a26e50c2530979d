import { randomInt } from 'node:crypto';

import { ConsoleLogger, type INestMicroservice } from '@nestjs/common';
import { Bus, InProcessBroker } from '@tuxhat/messaging';
import { DAY_MS, startConsumerService } from '@tuxhat/runtime';
import {
  type TestAccountingRecord,
  type TestDatabase,
  createTestDatabase,
  insertAccountingRecords,
  testAccountingRecord,
  messageIdAt,
} from '@tuxhat/testing';

import { AccountingModule } from './accounting.module';
import { RecordRetention } from './record-retention';

// ACCOUNTING_RETENTION_DAYS against real PostgreSQL: only records billing already has go. Each
// test has its own tenant and looks only at its rows.
describe('accounting record retention', () => {
  const now = Date.parse('2026-11-26T10:00:00.000Z');
  const cutoff = now - 90 * DAY_MS;
  const logger = new ConsoleLogger('accounting-test', { logLevels: ['error', 'warn'] });
  let db: TestDatabase;
  let prisma: TestDatabase['database']['prisma'];
  const apps: INestMicroservice[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('accounting_retention');
    prisma = db.database.prisma;
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  afterAll(async () => {
    await db?.drop();
  });

  async function retention(recordRetentionDays?: number): Promise<RecordRetention> {
    const runtime = {
      bus: Bus.create({ kind: 'in-process', broker: new InProcessBroker() }, logger),
      prisma,
      clock: { now: () => new Date(now) },
    };
    const app = await startConsumerService({
      name: 'accounting',
      module: AccountingModule.forRoot(runtime, { currency: 'EUR', recordRetentionDays }),
      runtime,
      logger,
      shutdownHooks: false,
    });
    apps.push(app);
    return app.get(RecordRetention, { strict: false });
  }

  /** A published final record (revision 1) of a message made at `idAt`, under `overrides`. */
  function published(
    tenantId: string,
    idAt: number,
    overrides: Partial<TestAccountingRecord> = {},
  ): TestAccountingRecord {
    return testAccountingRecord(messageIdAt(idAt), {
      tenantId,
      acceptedAt: new Date(idAt),
      finalAt: new Date(idAt + 5_000),
      publishedRevision: 1,
      publishedAt: new Date(idAt + 6_000),
      ...overrides,
    });
  }

  async function withRecords(
    rows: Record<string, (tenantId: string) => TestAccountingRecord>,
  ): Promise<{ tenant: string; ids: Record<string, string> }> {
    const tenant = `acct-${randomInt(1e9)}`;
    await prisma.tenant.create({ data: { id: tenant, name: tenant } });
    const records = Object.entries(rows).map(([name, make]) => [name, make(tenant)] as const);
    await insertAccountingRecords(
      prisma,
      records.map(([, record]) => record),
    );
    return {
      tenant,
      ids: Object.fromEntries(records.map(([name, record]) => [name, record.messageId])),
    };
  }

  async function left(tenantId: string): Promise<string[]> {
    const rows = await prisma.accountingRecord.findMany({
      where: { tenantId },
      select: { messageId: true },
    });
    return rows.map((row) => row.messageId).sort();
  }

  it('deletes old records billing has, keeps unpublished, open and recent ones', async () => {
    const old = cutoff - 10 * DAY_MS;
    const { tenant, ids } = await withRecords({
      oldPublished: (t) => published(t, old),
      justBeforeCutoff: (t) => published(t, cutoff - 1),
      // Corrected to revision 3, billing has 2: published twice, but not the last word yet.
      oldCorrected: (t) => published(t, old, { revision: 3, publishedRevision: 2 }),
      oldPublishPending: (t) =>
        published(t, old, { publishedRevision: 0, publishedAt: null, publishPending: true }),
      // Pending whatever the revisions say: a row on the publisher's work list is its business.
      oldQueuedAgain: (t) => published(t, old, { publishPending: true }),
      oldOpen: (t) =>
        published(t, old, { finalStatus: null, finalAt: null, revision: 0, publishedRevision: 0 }),
      recentPublished: (t) => published(t, cutoff + 1),
      atCutoff: (t) => published(t, cutoff),
      // The id says old, the record says otherwise (or the other way round): both must agree.
      acceptedLater: (t) => ({ ...published(t, old), acceptedAt: new Date(cutoff) }),
      idLater: (t) => ({ ...published(t, cutoff), acceptedAt: new Date(old) }),
    });

    const deleted = await (await retention(90)).sweep.purge();

    expect(deleted['accounting records']).toBeGreaterThanOrEqual(2);
    expect(await left(tenant)).toEqual(
      [
        ids.oldCorrected,
        ids.oldPublishPending,
        ids.oldQueuedAgain,
        ids.oldOpen,
        ids.recentPublished,
        ids.atCutoff,
        ids.acceptedLater,
        ids.idLater,
      ].sort(),
    );
    // The messages are ingress's (MESSAGE_RETENTION_DAYS): accounting leaves them.
    expect(
      await prisma.message.count({
        where: { id: { in: [ids.oldPublished, ids.justBeforeCutoff] } },
      }),
    ).toBe(2);
  });

  it('deletes nothing while ACCOUNTING_RETENTION_DAYS is unset', async () => {
    const { tenant, ids } = await withRecords({
      ancient: (t) => published(t, now - 3_000 * DAY_MS),
      old: (t) => published(t, cutoff - DAY_MS),
    });

    const deleted = await (await retention()).sweep.purge();

    expect(deleted).toEqual({});
    expect(await left(tenant)).toEqual([ids.ancient, ids.old].sort());
  });
});
