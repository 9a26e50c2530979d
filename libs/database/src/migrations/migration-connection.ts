import type { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import { openPglite } from '../pglite-data-dir';
import { parsePostgresUrl, quoteIdent, searchPathOption } from '../postgres-url';
import { MigrationError } from './migration-error';

/** Prisma Migrate's advisory lock key (prisma-engines, sql-schema-connector flavour/postgres.rs). */
export const PRISMA_MIGRATE_LOCK_ID = 72707369;

export interface SqlSession {
  query<R>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Runs a script of several statements (simple query protocol, no parameters). */
  exec(script: string): Promise<void>;
}

/** What the runner needs from a database: one session, transactions and a runner lock. */
export interface MigrationConnection extends SqlSession {
  readonly kind: 'postgres' | 'pglite';
  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T>;
  /** Waits until no other runner works on this database; resolves to the release. */
  lock(timeoutMs: number): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Where to migrate: a PostgreSQL server, an open PGlite instance, or a PGlite data directory. */
export type MigrationTarget = { url: string } | { pglite: PGlite } | { pgliteDataDir: string };

export async function openMigrationConnection(
  target: MigrationTarget,
): Promise<MigrationConnection> {
  if ('url' in target) return PostgresMigrationConnection.open(target.url);
  if ('pglite' in target) return new PgliteMigrationConnection(target.pglite, async () => {});
  const opened = await openPglite(target.pgliteDataDir);
  return new PgliteMigrationConnection(opened.pglite, opened.close);
}

class PostgresMigrationConnection implements MigrationConnection {
  readonly kind = 'postgres';

  private constructor(
    private readonly client: Client,
    private readonly schema: string | undefined,
  ) {}

  static async open(url: string): Promise<PostgresMigrationConnection> {
    const { connectionString, schema } = parsePostgresUrl(url);
    const options = searchPathOption(schema);
    const client = new Client({
      connectionString,
      application_name: 'tuxhat-migrate',
      ...(options === undefined ? {} : { options }),
    });
    // A dropped connection must fail the run, not crash the process with an unhandled 'error'.
    client.on('error', () => {});
    await client.connect();
    return new PostgresMigrationConnection(client, schema);
  }

  async query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.client.query(sql, params)).rows as R[];
  }

  async exec(script: string): Promise<void> {
    await this.client.query(script);
  }

  async transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> {
    await this.client.query('BEGIN');
    try {
      const result = await fn(this);
      await this.client.query('COMMIT');
      return result;
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }

  async lock(timeoutMs: number): Promise<() => Promise<void>> {
    // A session-level advisory lock, the one `prisma migrate deploy` takes: our runners and
    // Prisma's exclude each other. lock_timeout bounds the wait (it covers advisory locks).
    await this.client.query(`SET lock_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
    try {
      await this.client.query(`SELECT pg_advisory_lock(${PRISMA_MIGRATE_LOCK_ID})`);
    } catch (error) {
      if ((error as { code?: string }).code === '55P03') {
        throw new MigrationError(
          'lock-timeout',
          `another migration runner held pg_advisory_lock(${PRISMA_MIGRATE_LOCK_ID}) for more than ${timeoutMs} ms`,
          undefined,
          { cause: error },
        );
      }
      throw error;
    } finally {
      await this.client.query('RESET lock_timeout').catch(() => {});
    }
    if (this.schema !== undefined) {
      // Prisma Migrate creates the URL's schema too. Under the lock: concurrent
      // CREATE SCHEMA IF NOT EXISTS can still collide.
      await this.client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.schema)}`);
    }
    return async () => {
      await this.client.query(`SELECT pg_advisory_unlock(${PRISMA_MIGRATE_LOCK_ID})`);
    };
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

/**
 * PGlite serves one session: every query of the process goes through it, so there is no
 * other connection to exclude. Runners within this process are queued per instance.
 */
const pgliteQueues = new WeakMap<PGlite, Promise<void>>();

class PgliteMigrationConnection implements MigrationConnection {
  readonly kind = 'pglite';

  constructor(
    private readonly pglite: PGlite,
    private readonly onClose: () => Promise<void>,
  ) {}

  async query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.pglite.query<R>(sql, params)).rows;
  }

  async exec(script: string): Promise<void> {
    await this.pglite.exec(script);
  }

  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.pglite.transaction((tx) =>
      fn({
        query: async <R>(sql: string, params: unknown[] = []) =>
          (await tx.query<R>(sql, params)).rows,
        exec: async (script: string) => {
          await tx.exec(script);
        },
      }),
    );
  }

  async lock(): Promise<() => Promise<void>> {
    const previous = pgliteQueues.get(this.pglite) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    pgliteQueues.set(
      this.pglite,
      previous.then(() => mine),
    );
    await previous;
    return async () => release();
  }

  async close(): Promise<void> {
    await this.onClose();
  }
}
