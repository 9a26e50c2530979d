import { join } from 'node:path';
import { createDatabase, type Database, type DatabaseOptions } from './create-database';
import { PrismaClient } from './prisma-client';
import { sqlOf } from './raw-sql';
import { tempDir, testSchema } from './test/test-databases';

// A fresh PGlite (initdb and every migration, in WASM) takes about 30 s on a 2-core machine,
// and over a minute when the machine is slow.
jest.setTimeout(180_000);

const backends: {
  readonly name: string;
  open(): Promise<{ options: DatabaseOptions; dispose(): Promise<void> }>;
}[] = [
  {
    name: 'postgres',
    async open() {
      const schema = testSchema('rawsql');
      return { options: { url: schema.url, poolSize: 2 }, dispose: () => schema.drop() };
    },
  },
  {
    name: 'pglite',
    async open() {
      const dir = await tempDir('rawsql');
      return { options: { pgliteDataDir: join(dir.path, 'data') }, dispose: () => dir.remove() };
    },
  },
];

describe.each(backends)('sqlOf on $name', (backend) => {
  let database: Database;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    const opened = await backend.open();
    dispose = opened.dispose;
    database = await createDatabase({ ...opened.options, migrateOnBoot: true });
  });

  afterAll(async () => {
    await database?.close();
    await dispose?.();
  });

  const names = async () =>
    (await database.prisma.tenant.findMany({ orderBy: { id: 'asc' } })).map((row) => row.id);

  if (backend.name === 'postgres') {
    it('runs with JIT compilation off, on the driver and through Prisma alike', async () => {
      const [onDriver] = await sqlOf(database.prisma).query<{ jit: string }>('SHOW jit');
      const [throughPrisma] = await database.prisma.$queryRawUnsafe<{ jit: string }[]>('SHOW jit');
      expect(onDriver?.jit).toBe('off');
      expect(throughPrisma?.jit).toBe('off');
    });

    it('starts a transaction on a busy pool once a connection is free, past Prisma’s 2 s default', async () => {
      // Both of the pool's connections are busy for 2.5 s.
      const busy = [1, 2].map(() => sqlOf(database.prisma).query('SELECT pg_sleep(2.5)'));
      const started = Date.now();
      const count = await database.prisma.$transaction((tx) => tx.tenant.count());
      expect(count).toBeGreaterThanOrEqual(0);
      expect(Date.now() - started).toBeGreaterThan(2_000);
      await Promise.all(busy);
    });
  }

  it('runs statements on the same database (and schema) as the Prisma client', async () => {
    const sql = sqlOf(database.prisma);
    const rows = await sql.query<{ id: string; n: number }>(
      `INSERT INTO tenants (id, name, created_at, updated_at)
       SELECT t.id, t.id, now(), now() FROM json_array_elements_text($1::json) AS t (id)
       RETURNING id, length(id)::int AS n`,
      [JSON.stringify(['raw-a', 'raw-b'])],
    );
    expect(rows).toEqual([
      { id: 'raw-a', n: 5 },
      { id: 'raw-b', n: 5 },
    ]);
    expect(await names()).toEqual(['raw-a', 'raw-b']);
  });

  it('runs a prepared statement again and again with new parameters', async () => {
    const sql = sqlOf(database.prisma);
    const insert = (ids: string[]) =>
      sql.query<{ id: string }>(
        `INSERT INTO tenants (id, name, created_at, updated_at)
         SELECT t.id, t.id, now(), now() FROM json_array_elements_text($1::json) AS t (id)
         RETURNING id`,
        [JSON.stringify(ids)],
        'raw-sql-spec-insert',
      );
    // More calls than PostgreSQL's 5 custom plans, so the cached generic plan runs too.
    for (let call = 0; call < 7; call++)
      expect(await insert([`prep-${call}-a`, `prep-${call}-b`])).toEqual([
        { id: `prep-${call}-a` },
        { id: `prep-${call}-b` },
      ]);
    expect((await names()).filter((id) => id.startsWith('prep-'))).toHaveLength(14);
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    const sql = sqlOf(database.prisma);
    const insert = `INSERT INTO tenants (id, name, created_at, updated_at) VALUES ($1, $1, now(), now())`;
    await sql.transaction(async (tx) => {
      await tx.query(insert, ['tx-kept']);
    });
    await expect(
      sql.transaction(async (tx) => {
        await tx.query(insert, ['tx-lost']);
        await tx.query(insert, ['tx-kept']); // duplicate key: the whole transaction goes
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await names()).toContain('tx-kept');
    expect(await names()).not.toContain('tx-lost');
    // The connection is usable after a rollback.
    expect(await sql.query<{ one: number }>('SELECT 1::int AS one')).toEqual([{ one: 1 }]);
  });
});

describe(sqlOf.name, () => {
  it('refuses a Prisma client it did not make', () => {
    expect(() => sqlOf({} as PrismaClient)).toThrow(/createDatabase/);
  });
});
