import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { createDatabase } from './create-database';
import { readMigrations } from './migrations';
import { seedPgliteDataDir } from './pglite-template';
import { copyOfMigrations, tempDir } from './test/test-databases';

// Making the template creates a PGlite database and runs every migration (WASM): up to a minute
// on a slow 2-core machine; the test makes two.
jest.setTimeout(180_000);

describe(seedPgliteDataDir.name, () => {
  let dir: { path: string; remove(): Promise<void> };
  let cacheDir: string;

  beforeEach(async () => {
    dir = await tempDir('pglite-template');
    cacheDir = join(dir.path, 'templates');
  });

  afterEach(() => dir.remove());

  const templates = () => readdirSync(cacheDir).filter((name) => name.endsWith('.tar'));

  /** Opens a seeded directory the way the gateway does, and says what its boot migrated. */
  const boot = async (dataDir: string, migrationsDir?: string) => {
    const database = await createDatabase({
      pgliteDataDir: dataDir,
      migrateOnBoot: true,
      ...(migrationsDir ? { migrationsDir } : {}),
    });
    try {
      return {
        applied: database.migrations!.applied,
        alreadyApplied: database.migrations!.alreadyApplied,
        tenants: await database.prisma.tenant.count(),
      };
    } finally {
      await database.close();
    }
  };

  it('gives a new directory every migration, made once and then copied', async () => {
    const every = (await readMigrations(join(__dirname, '../../../prisma/migrations'))).map(
      (migration) => migration.name,
    );

    await seedPgliteDataDir(join(dir.path, 'first'), cacheDir);
    expect(templates()).toHaveLength(1);
    const template = join(cacheDir, templates()[0]);
    const made = statSync(template).ino;
    // No gateway lock came along: the copy is free for the next process to open.
    expect(existsSync(join(dir.path, 'first', 'tuxhat.lock'))).toBe(false);
    expect(await boot(join(dir.path, 'first'))).toEqual({
      applied: [],
      alreadyApplied: every,
      tenants: 0,
    });

    await seedPgliteDataDir(join(dir.path, 'second'), cacheDir);
    expect(statSync(template).ino).toBe(made);
    expect(await boot(join(dir.path, 'second'))).toMatchObject({ applied: [], tenants: 0 });
  });

  it('makes another template when the migrations change', async () => {
    const migrationsDir = await copyOfMigrations(dir.path);
    await seedPgliteDataDir(join(dir.path, 'before'), cacheDir, migrationsDir);
    mkdirSync(join(migrationsDir, '29990101000000_extra'));
    writeFileSync(
      join(migrationsDir, '29990101000000_extra', 'migration.sql'),
      'CREATE TABLE "extra" ("id" integer PRIMARY KEY);\n',
    );

    await seedPgliteDataDir(join(dir.path, 'after'), cacheDir, migrationsDir);
    expect(templates()).toHaveLength(2);
    expect(await boot(join(dir.path, 'after'), migrationsDir)).toMatchObject({ applied: [] });
    // The older copy lacks it: its boot applies the new migration.
    expect(await boot(join(dir.path, 'before'), migrationsDir)).toMatchObject({
      applied: ['29990101000000_extra'],
    });
  });

  it('refuses a directory that holds a database already', async () => {
    mkdirSync(join(dir.path, 'data'));
    writeFileSync(join(dir.path, 'data', 'PG_VERSION'), '17\n');
    await expect(seedPgliteDataDir(join(dir.path, 'data'), cacheDir)).rejects.toThrow(
      /holds a database already/,
    );
  });
});
