import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createDatabase, type Database, seedPgliteDataDir } from '@tuxhat/database';

import { requiredTestEnv } from './env';

export interface TestDatabase {
  readonly database: Database;
  /** DATABASE_URL with `?schema=` naming this test's schema: hand it to service processes. */
  readonly url: string;
  /** Closes the connection and drops the schema. */
  drop(): Promise<void>;
}

/**
 * A freshly migrated PostgreSQL schema of its own, so test files never see each other's rows
 * and may run in parallel against one server.
 */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const schema = `t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const url = new URL(requiredTestEnv('DATABASE_URL'));
  url.searchParams.set('schema', schema);
  const database = await createDatabase({ url: url.toString(), migrateOnBoot: true, poolSize: 4 });
  return {
    database,
    url: url.toString(),
    drop: async () => {
      try {
        await database.prisma.$executeRawUnsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await database.close();
      }
    },
  };
}

/** Where test runs keep the migrated PGlite database new ones are copied from. */
export const PGLITE_TEMPLATE_DIR = join(tmpdir(), 'tuxhat-pglite-templates');

export interface TestPglite {
  readonly database: Database;
  /** Closes the database and removes its directory. */
  drop(): Promise<void>;
}

/**
 * An embedded PGlite database of its own (all-in-one mode's), on disk in a temporary directory,
 * started from the migrated template instead of running every migration (seedPgliteDataDir).
 */
export async function createTestPglite(label: string): Promise<TestPglite> {
  const dir = await mkdtemp(join(tmpdir(), `tuxhat-${label}-`));
  try {
    await seedPgliteDataDir(join(dir, 'data'), PGLITE_TEMPLATE_DIR);
    const database = await createDatabase({
      pgliteDataDir: join(dir, 'data'),
      migrateOnBoot: true,
    });
    return {
      database,
      drop: async () => {
        try {
          await database.close();
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
