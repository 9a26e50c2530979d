import { randomBytes } from 'node:crypto';

import { createDatabase, type Database } from '@tuxhat/database';

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
