import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { migrate, type MigrateResult } from './migrations';
import { openPglite } from './pglite-data-dir';
import { parsePostgresUrl, searchPathOption } from './postgres-url';
import { PrismaClient } from './prisma-client';
import { pgliteExecutor, poolExecutor, registerSql } from './raw-sql';

export type DatabaseKind = 'postgres' | 'pglite';

interface CommonOptions {
  /** Apply pending migrations (prisma/migrations) before returning. Default false. */
  readonly migrateOnBoot?: boolean;
  /** Where the migrations are; default: findMigrationsDir(). */
  readonly migrationsDir?: string;
  /** Progress lines from the migration runner. */
  readonly log?: (line: string) => void;
}

export interface PostgresDatabaseOptions extends CommonOptions {
  /**
   * `postgresql://user:password@host:port/database`, optionally `?schema=name` (Prisma's
   * parameter: tables, enums and `_prisma_migrations` live in that schema; default public).
   */
  readonly url: string;
  /** Connections in the pool (node-postgres `max`). Default 10. */
  readonly poolSize?: number;
  /** Shown in pg_stat_activity, e.g. the service name. Default `tuxhat`. */
  readonly applicationName?: string;
  /** How long to wait for a free connection before a query fails. Default 10 s. */
  readonly connectionTimeoutMs?: number;
}

export interface PgliteDatabaseOptions extends CommonOptions {
  /**
   * Directory of the embedded database (created on first use). One process at a time: a lock
   * file in the directory refuses a second opener.
   */
  readonly pgliteDataDir: string;
}

export type DatabaseOptions = PostgresDatabaseOptions | PgliteDatabaseOptions;

export interface Database {
  readonly prisma: PrismaClient;
  readonly kind: DatabaseKind;
  /** What migrateOnBoot applied (undefined when it was off). */
  readonly migrations: MigrateResult | undefined;
  /** Disconnects Prisma and closes the pool / the PGlite instance. Idempotent. */
  close(): Promise<void>;
}

/**
 * A Prisma client on PostgreSQL (node-postgres pool through @prisma/adapter-pg) or on embedded
 * PGlite (pglite-prisma-adapter). No native Prisma engine is involved either way.
 */
export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  return 'url' in options ? createPostgresDatabase(options) : createPgliteDatabase(options);
}

async function createPostgresDatabase(options: PostgresDatabaseOptions): Promise<Database> {
  const { connectionString, schema } = parsePostgresUrl(options.url);
  const migrations = options.migrateOnBoot
    ? await migrate({ url: options.url }, migrateOptions(options))
    : undefined;
  const connectionTimeoutMs = options.connectionTimeoutMs ?? 10_000;
  const pool = new Pool({
    connectionString,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'tuxhat',
    connectionTimeoutMillis: connectionTimeoutMs,
    options: sessionOptions(schema),
  });
  // We own the pool and end it in close(). With disposeExternalPool the adapter would end it on
  // $disconnect, and the next query would quietly open a new pool from the same settings
  // (Prisma reconnects lazily): a leak. An ended pool instead fails every later query.
  const adapter = new PrismaPg(pool, schema === undefined ? {} : { schema });
  // An interactive transaction waits for a connection as long as any query does: Prisma's own
  // default (2 s) failed admin changes on a busy machine while the pool would have served them.
  const prisma = new PrismaClient({
    adapter,
    transactionOptions: { maxWait: connectionTimeoutMs },
  });
  registerSql(prisma, poolExecutor(pool));
  return {
    prisma,
    kind: 'postgres',
    migrations,
    close: once(async () => {
      try {
        await prisma.$disconnect();
      } finally {
        await pool.end();
      }
    }),
  };
}

/**
 * Settings of the gateway's sessions (node-postgres `options`): the schema, and JIT off. The
 * gateway's statements are short batch statements, but on young tables (every deploy, every
 * bench) their cost estimates can pass jit_above_cost, and such a call then compiles for
 * milliseconds what runs in one (the connectors' replay guard: 372 compilations in one bench
 * run, 265 ms of PostgreSQL CPU). JIT pays off for long analytical queries, which the gateway
 * does not run.
 */
function sessionOptions(schema: string | undefined): string {
  return [searchPathOption(schema), '-c jit=off'].filter(Boolean).join(' ');
}

async function createPgliteDatabase(options: PgliteDatabaseOptions): Promise<Database> {
  const opened = await openPglite(options.pgliteDataDir);
  try {
    const migrations = options.migrateOnBoot
      ? await migrate({ pglite: opened.pglite }, migrateOptions(options))
      : undefined;
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(opened.pglite) });
    registerSql(prisma, pgliteExecutor(opened.pglite));
    return {
      prisma,
      kind: 'pglite',
      migrations,
      close: once(async () => {
        try {
          await prisma.$disconnect();
        } finally {
          await opened.close();
        }
      }),
    };
  } catch (error) {
    await opened.close();
    throw error;
  }
}

function migrateOptions(options: CommonOptions) {
  return {
    ...(options.migrationsDir === undefined ? {} : { migrationsDir: options.migrationsDir }),
    ...(options.log === undefined ? {} : { log: options.log }),
  };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
