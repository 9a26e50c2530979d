import { createTestDatabase, type TestDatabase } from '@tuxhat/testing';

import { walPosition } from './wal';

describe(walPosition.name, () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await createTestDatabase('bench_wal');
  });

  afterAll(async () => {
    await test.drop();
  });

  it('moves by at least the bytes a write puts into the log', async () => {
    const { prisma } = test.database;
    await prisma.$executeRawUnsafe('CREATE TABLE wal_probe (payload text NOT NULL)');
    const before = await walPosition(test.database);
    // 100 rows of 1,000 characters: each row's WAL record carries its whole tuple.
    await prisma.$executeRawUnsafe(
      `INSERT INTO wal_probe SELECT repeat(md5(g::text), 32)::text FROM generate_series(1, 100) AS g`,
    );
    const after = await walPosition(test.database);
    // At least: other tests may write to the same server meanwhile.
    expect(after - before).toBeGreaterThanOrEqual(100n * 1_000n);
  });
});
