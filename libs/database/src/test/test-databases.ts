// Test support for this library's integration tests (not part of the build: **/test/**).
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { findMigrationsDir } from '../migrations';
import { parsePostgresUrl, quoteIdent } from '../postgres-url';

/** DATABASE_URL, or an error that says how to get one. Tests fail without it; none skip. */
export function requireDatabaseUrl(): string {
  const url = process.env['DATABASE_URL'];
  if (!url) {
    throw new Error(
      'DATABASE_URL is not set: the PostgreSQL integration tests need a server. Start one with ' +
        '`scripts/infra/postgres.sh start` and run with ' +
        'DATABASE_URL=$(scripts/infra/postgres.sh url tuxhat_test)',
    );
  }
  return url;
}

/** A throwaway schema in DATABASE_URL's database: its URL (`?schema=`) and a way to drop it. */
export interface TestSchema {
  readonly schema: string;
  readonly url: string;
  /** A connected client whose search_path is the schema. */
  connect(): Promise<Client>;
  drop(): Promise<void>;
}

export function testSchema(label: string): TestSchema {
  const base = requireDatabaseUrl();
  const schema = `t_${label}_${randomBytes(4).toString('hex')}`;
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  const { connectionString } = parsePostgresUrl(url.toString());
  const connect = async () => {
    const client = new Client({ connectionString, options: `-c search_path=${schema}` });
    await client.connect();
    return client;
  };
  return {
    schema,
    url: url.toString(),
    connect,
    drop: async () => {
      const client = await connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A temporary directory, removed by the returned function. */
export async function tempDir(label: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `tuxhat-${label}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A copy of the repository's prisma/migrations that a test may change. */
export async function copyOfMigrations(into: string): Promise<string> {
  const target = join(into, 'migrations');
  await cp(findMigrationsDir(), target, { recursive: true });
  return target;
}
