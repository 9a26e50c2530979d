import { PGlite } from '@electric-sql/pglite';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { copyOfMigrations, tempDir, testSchema, type TestSchema } from '../test/test-databases';
import {
  findMigrationsDir,
  migrate,
  MigrationError,
  PRISMA_MIGRATE_LOCK_ID,
  PRISMA_MIGRATIONS_TABLE_DDL,
  readMigrations,
  type MigrationTarget,
  type PrismaMigrationRow,
} from './index';

// A fresh PGlite (initdb and every migration, in WASM) takes about 30 s on a 2-core machine,
// and over a minute when the machine is slow. jest.config.js' per-project
// testTimeout is not applied (jest reads testTimeout from the global config only).
jest.setTimeout(180_000);

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Queries against whatever a target is, for assertions. */
interface Probe {
  query<R>(sql: string, params?: unknown[]): Promise<R[]>;
}

interface Backend {
  readonly name: 'postgres' | 'pglite';
  /** A fresh empty database, its migration target and a probe into it. */
  fresh(): Promise<{ target: MigrationTarget; probe: Probe; dispose(): Promise<void> }>;
}

const postgres: Backend = {
  name: 'postgres',
  async fresh() {
    const schema: TestSchema = testSchema('migrate');
    const client: Client = await schema.connect();
    await client.query(`CREATE SCHEMA ${schema.schema}`);
    return {
      target: { url: schema.url },
      probe: {
        query: async <R>(sql: string, params: unknown[] = []) =>
          (await client.query(sql, params)).rows as R[],
      },
      async dispose() {
        await client.end();
        await schema.drop();
      },
    };
  },
};

// One in-memory PGlite for the file (creating one takes seconds); each test empties it.
let sharedPglite: PGlite | undefined;
afterAll(async () => {
  await sharedPglite?.close();
});

const pglite: Backend = {
  name: 'pglite',
  async fresh() {
    const db = (sharedPglite ??= await PGlite.create());
    await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    return {
      target: { pglite: db },
      probe: {
        query: async <R>(sql: string, params: unknown[] = []) =>
          (await db.query<R>(sql, params)).rows,
      },
      dispose: async () => {},
    };
  },
};

async function rowsOf(probe: Probe): Promise<PrismaMigrationRow[]> {
  // Names break ties: two short migrations can start within one tick of the clock (PGlite's
  // is coarse), and migrations are applied in the order of their names.
  return probe.query<PrismaMigrationRow>(
    'SELECT * FROM _prisma_migrations ORDER BY started_at, migration_name',
  );
}

describe.each([postgres, pglite])('migrate on $name', (backend) => {
  let db: Awaited<ReturnType<Backend['fresh']>>;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  beforeEach(async () => {
    db = await backend.fresh();
    dir = await tempDir('migrations');
  });

  afterEach(async () => {
    await db?.dispose();
    await dir?.remove();
  });

  it('applies every migration once; a second run applies nothing', async () => {
    const names = (await readMigrations(findMigrationsDir())).map((m) => m.name);

    const first = await migrate(db.target);
    const second = await migrate(db.target);

    expect(first).toEqual({ applied: names, alreadyApplied: [], unknown: [] });
    expect(second).toEqual({ applied: [], alreadyApplied: names, unknown: [] });
    expect((await rowsOf(db.probe)).map((row) => row.migration_name)).toEqual(names);
  });

  it('records rows the way Prisma Migrate does', async () => {
    await migrate(db.target);

    const columns = await db.probe.query<Record<string, unknown>>(
      `SELECT column_name, data_type, character_maximum_length AS length, is_nullable, column_default
         FROM information_schema.columns
        WHERE table_name = '_prisma_migrations' AND table_schema = current_schema()
        ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      {
        column_name: 'id',
        data_type: 'character varying',
        length: 36,
        is_nullable: 'NO',
        column_default: null,
      },
      {
        column_name: 'checksum',
        data_type: 'character varying',
        length: 64,
        is_nullable: 'NO',
        column_default: null,
      },
      {
        column_name: 'finished_at',
        data_type: 'timestamp with time zone',
        length: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'migration_name',
        data_type: 'character varying',
        length: 255,
        is_nullable: 'NO',
        column_default: null,
      },
      {
        column_name: 'logs',
        data_type: 'text',
        length: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'rolled_back_at',
        data_type: 'timestamp with time zone',
        length: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'started_at',
        data_type: 'timestamp with time zone',
        length: null,
        is_nullable: 'NO',
        column_default: 'now()',
      },
      {
        column_name: 'applied_steps_count',
        data_type: 'integer',
        length: null,
        is_nullable: 'NO',
        column_default: '0',
      },
    ]);
    const [pk] = await db.probe.query<{ name: string; def: string }>(
      `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE conrelid = '_prisma_migrations'::regclass AND contype = 'p'`,
    );
    expect(pk).toEqual({ name: '_prisma_migrations_pkey', def: 'PRIMARY KEY (id)' });

    const migrations = await readMigrations(findMigrationsDir());
    const rows = await rowsOf(db.probe);
    expect(rows).toHaveLength(migrations.length);
    rows.forEach((row, i) => {
      const { id, started_at, finished_at, ...rest } = row;
      const file = readFileSync(join(findMigrationsDir(), migrations[i].name, 'migration.sql'));
      expect(rest).toEqual({
        checksum: createHash('sha256').update(file).digest('hex'),
        migration_name: migrations[i].name,
        logs: null,
        rolled_back_at: null,
        applied_steps_count: 1,
      });
      expect(id).toMatch(UUID_V4);
      expect(started_at).toBeInstanceOf(Date);
      expect(finished_at).toBeInstanceOf(Date);
      expect(finished_at!.getTime()).toBeGreaterThanOrEqual(started_at.getTime());
    });
  });

  it('refuses to continue when an applied migration changed, naming it, and applies nothing', async () => {
    const migrations = await copyOfMigrations(dir.path);
    await migrate(db.target, { migrationsDir: migrations });
    const [first] = await readMigrations(migrations);
    await writeFile(first.path, `${first.script}\n-- edited after it was applied\n`);
    await addMigration(
      migrations,
      '29990101000000_add_table',
      'CREATE TABLE "later" ("id" TEXT NOT NULL);\n',
    );

    const run = migrate(db.target, { migrationsDir: migrations });

    await expect(run).rejects.toThrow(MigrationError);
    await expect(run).rejects.toMatchObject({ code: 'checksum-mismatch', migration: first.name });
    await expect(run).rejects.toThrow(
      new RegExp(`migration ${first.name} was modified after it was applied`),
    );
    expect(await db.probe.query(`SELECT to_regclass('later') AS t`)).toEqual([{ t: null }]);
  });

  it('accepts an applied migration checked out with CRLF line endings', async () => {
    const migrations = await copyOfMigrations(dir.path);
    await migrate(db.target, { migrationsDir: migrations });
    const [first] = await readMigrations(migrations);
    await writeFile(first.path, first.script.replace(/\n/g, '\r\n'));

    await expect(migrate(db.target, { migrationsDir: migrations })).resolves.toMatchObject({
      applied: [],
    });
  });

  it('rolls a failing migration back completely and records nothing of it', async () => {
    const migrations = await copyOfMigrations(dir.path);
    await addMigration(
      migrations,
      '29990101000000_broken',
      'CREATE TABLE "half_done" ("id" TEXT NOT NULL);\n\nSELECT "no_such_column" FROM "half_done";\n',
    );

    const run = migrate(db.target, { migrationsDir: migrations });

    await expect(run).rejects.toMatchObject({
      code: 'apply-failed',
      migration: '29990101000000_broken',
    });
    await expect(run).rejects.toThrow(/29990101000000_broken failed at line 3: .*no_such_column/);
    expect(await db.probe.query(`SELECT to_regclass('half_done') AS t`)).toEqual([{ t: null }]);
    const names = (await rowsOf(db.probe)).map((row) => row.migration_name);
    expect(names).not.toContain('29990101000000_broken');
    expect(names.length).toBeGreaterThan(0); // the good ones before it stay applied

    // Fixed, it applies on the next run.
    await writeFile(
      join(migrations, '29990101000000_broken', 'migration.sql'),
      'CREATE TABLE "half_done" ("id" TEXT NOT NULL);\n',
    );
    await expect(migrate(db.target, { migrationsDir: migrations })).resolves.toMatchObject({
      applied: ['29990101000000_broken'],
    });
  });

  it('stops at a migration Prisma recorded as failed, and re-applies one marked rolled back', async () => {
    const migrations = await copyOfMigrations(dir.path);
    await db.probe.query(PRISMA_MIGRATIONS_TABLE_DDL);
    const [init] = await readMigrations(migrations);
    // What `prisma migrate deploy` leaves after a failure: started, never finished, with logs.
    await db.probe.query(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, logs) VALUES ($1, $2, $3, 'syntax error')`,
      ['00000000-0000-4000-8000-000000000001', init.checksum, init.name],
    );

    const blocked = migrate(db.target, { migrationsDir: migrations });
    await expect(blocked).rejects.toMatchObject({ code: 'failed-migration', migration: init.name });
    await expect(blocked).rejects.toThrow('prisma migrate resolve');

    // `prisma migrate resolve --rolled-back` sets rolled_back_at: the migration is pending again.
    await db.probe.query(`UPDATE _prisma_migrations SET rolled_back_at = now()`);
    const { applied } = await migrate(db.target, { migrationsDir: migrations });
    expect(applied).toContain(init.name);
  });

  it('reports migrations applied in the database that have no folder here', async () => {
    const migrations = await copyOfMigrations(dir.path);
    await addMigration(migrations, '29990101000000_newer', 'SELECT 1;\n');
    await migrate(db.target, { migrationsDir: migrations });
    const older = await copyOfMigrations(join(dir.path, 'older'));
    const lines: string[] = [];

    const result = await migrate(db.target, {
      migrationsDir: older,
      log: (line) => lines.push(line),
    });

    expect(result.unknown).toEqual(['29990101000000_newer']);
    expect(lines).toContainEqual(
      expect.stringContaining('29990101000000_newer is applied in the database'),
    );
  });

  it('serialises concurrent runners: every migration is applied exactly once', async () => {
    const names = (await readMigrations(findMigrationsDir())).map((m) => m.name);

    const results = await Promise.all([migrate(db.target), migrate(db.target), migrate(db.target)]);

    expect(results.flatMap((r) => r.applied)).toEqual(names);
    expect((await rowsOf(db.probe)).map((row) => row.migration_name)).toEqual(names);
  });
});

describe('migrate on postgres, against other processes', () => {
  let schema: TestSchema;

  beforeEach(() => {
    schema = testSchema('lock');
  });

  afterEach(async () => {
    await schema?.drop();
  });

  it("waits on Prisma's advisory lock and gives up after lockTimeoutMs", async () => {
    const holder = await schema.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(${PRISMA_MIGRATE_LOCK_ID})`);

      const timedOut = migrate({ url: schema.url }, { lockTimeoutMs: 300 });
      await expect(timedOut).rejects.toMatchObject({ code: 'lock-timeout' });
      await expect(timedOut).rejects.toThrow(`pg_advisory_lock(${PRISMA_MIGRATE_LOCK_ID})`);

      const waiting = migrate({ url: schema.url });
      await until(async () => {
        const { rows } = await holder.query<{ waiting: number }>(
          `SELECT count(*)::int AS waiting FROM pg_locks
            WHERE locktype = 'advisory' AND objid = ${PRISMA_MIGRATE_LOCK_ID} AND NOT granted`,
        );
        return (rows[0]?.waiting ?? 0) >= 1;
      });
      await holder.query(`SELECT pg_advisory_unlock(${PRISMA_MIGRATE_LOCK_ID})`);
      await expect(waiting).resolves.toMatchObject({ alreadyApplied: [] });
    } finally {
      await holder.end();
    }
  });

  it('creates the schema named in the URL, as Prisma does', async () => {
    await migrate({ url: schema.url });

    const client = await schema.connect();
    try {
      const { rows } = await client.query(
        `SELECT table_schema FROM information_schema.tables WHERE table_name = '_prisma_migrations'`,
      );
      expect(rows).toContainEqual({ table_schema: schema.schema });
    } finally {
      await client.end();
    }
  });
});

describe('migrate on a PGlite data directory', () => {
  it('opens, migrates and closes it, leaving no lock behind', async () => {
    const dir = await tempDir('pglite');
    try {
      const dataDir = join(dir.path, 'data');
      const first = await migrate({ pgliteDataDir: dataDir });
      const second = await migrate({ pgliteDataDir: dataDir });

      expect(first.applied.length).toBeGreaterThan(0);
      expect(second.applied).toEqual([]);
      expect(existsSync(join(dataDir, 'tuxhat.lock'))).toBe(false);
    } finally {
      await dir.remove();
    }
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function addMigration(migrationsDir: string, name: string, sql: string): Promise<void> {
  await mkdir(join(migrationsDir, name));
  await writeFile(join(migrationsDir, name, 'migration.sql'), sql);
}
