import { randomUUID } from 'node:crypto';
import {
  openMigrationConnection,
  type MigrationConnection,
  type MigrationTarget,
  type SqlSession,
} from './migration-connection';
import { MigrationError } from './migration-error';
import {
  findMigrationsDir,
  readMigrations,
  scriptMatchesChecksum,
  type MigrationFile,
} from './migration-files';

export interface MigrateOptions {
  /** Folder of `<name>/migration.sql`; default: findMigrationsDir(). */
  readonly migrationsDir?: string;
  /** Progress lines (one per applied migration, warnings). Default: silent. */
  readonly log?: (line: string) => void;
  /** How long to wait for another runner (PostgreSQL only). Default 60 s. */
  readonly lockTimeoutMs?: number;
}

export interface MigrateResult {
  /** Migrations applied by this run, in order. */
  readonly applied: string[];
  /** Migrations found already applied. */
  readonly alreadyApplied: string[];
  /** Applied migrations with no folder here (the database is ahead of this code). */
  readonly unknown: string[];
}

/** A row of `_prisma_migrations`. */
export interface PrismaMigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

/**
 * The table exactly as Prisma Migrate creates it on PostgreSQL (prisma-engines,
 * sql-schema-connector flavour/postgres.rs, create_migrations_table), so that
 * `prisma migrate deploy` / `migrate status` read our rows as their own.
 */
export const PRISMA_MIGRATIONS_TABLE_DDL = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);
`;

/**
 * Applies the pending `prisma/migrations/<name>/migration.sql` files in lexical order and records
 * each in `_prisma_migrations` as Prisma Migrate does: a row with a v4 UUID id, the SHA-256 of the
 * file, started_at, then finished_at and applied_steps_count = 1.
 *
 * Differences from `prisma migrate deploy`, all on the safe side:
 * - each migration runs in one transaction together with its row: a failing migration leaves
 *   no trace (Prisma would leave a failed row that blocks until `prisma migrate resolve`), so
 *   fixing the SQL and running again is enough;
 * - an applied migration whose file changed stops the run before anything is applied.
 *
 * Concurrent runners (and `prisma migrate deploy`) on one PostgreSQL database are serialised by
 * Prisma's advisory lock; the second finds nothing left to do.
 */
export async function migrate(
  target: MigrationTarget,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const log = options.log ?? (() => {});
  const migrations = await readMigrations(options.migrationsDir ?? findMigrationsDir());
  const connection = await openMigrationConnection(target);
  try {
    const release = await connection.lock(options.lockTimeoutMs ?? 60_000);
    try {
      return await migrateLocked(connection, migrations, log);
    } finally {
      await release();
    }
  } finally {
    await connection.close();
  }
}

async function migrateLocked(
  connection: MigrationConnection,
  migrations: MigrationFile[],
  log: (line: string) => void,
): Promise<MigrateResult> {
  await ensureMigrationsTable(connection);
  const rows = await connection.query<PrismaMigrationRow>(
    'SELECT * FROM _prisma_migrations ORDER BY started_at ASC',
  );
  const live = rows.filter((row) => row.rolled_back_at === null);

  const failed = live.find((row) => row.finished_at === null);
  if (failed) {
    throw new MigrationError(
      'failed-migration',
      `migration ${failed.migration_name} started at ${failed.started_at.toISOString()} and never ` +
        `finished (a failed \`prisma migrate deploy\`?); logs: ${failed.logs ?? '(none)'}. Repair the ` +
        `database by hand, then mark it with \`prisma migrate resolve --applied|--rolled-back ` +
        `${failed.migration_name}\` (or set rolled_back_at on its _prisma_migrations row).`,
      failed.migration_name,
    );
  }

  const appliedByName = new Map(live.map((row) => [row.migration_name, row]));
  for (const migration of migrations) {
    const row = appliedByName.get(migration.name);
    if (row && !scriptMatchesChecksum(migration.script, row.checksum)) {
      throw new MigrationError(
        'checksum-mismatch',
        `migration ${migration.name} was modified after it was applied (recorded checksum ` +
          `${row.checksum}, file ${migration.path} now has ${migration.checksum}). Applied ` +
          `migrations must not change: restore the file and put the change in a new migration.`,
        migration.name,
      );
    }
  }

  const localNames = new Set(migrations.map((migration) => migration.name));
  const unknown = [...appliedByName.keys()].filter((name) => !localNames.has(name));
  for (const name of unknown) {
    log(`warning: migration ${name} is applied in the database but has no folder here`);
  }

  const alreadyApplied = migrations.filter((m) => appliedByName.has(m.name)).map((m) => m.name);
  const applied: string[] = [];
  for (const migration of migrations.filter((m) => !appliedByName.has(m.name))) {
    const started = Date.now();
    await connection.transaction((tx) => applyOne(tx, migration));
    applied.push(migration.name);
    log(`applied migration ${migration.name} (${Date.now() - started} ms)`);
  }
  return { applied, alreadyApplied, unknown };
}

async function ensureMigrationsTable(session: SqlSession): Promise<void> {
  const [found] = await session.query<{ present: boolean }>(
    `SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present`,
  );
  if (!found?.present) await session.exec(PRISMA_MIGRATIONS_TABLE_DDL);
}

async function applyOne(tx: SqlSession, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  // The same three writes as Prisma's record_migration_started / record_successful_step /
  // record_migration_finished. clock_timestamp(): now() is frozen for the whole transaction.
  await tx.query(
    `INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name)
     VALUES ($1, $2, clock_timestamp(), $3)`,
    [id, migration.checksum, migration.name],
  );
  try {
    await tx.exec(migration.script);
  } catch (error) {
    throw new MigrationError(
      'apply-failed',
      `migration ${migration.name} failed${where(migration.script, error)}: ${describe(error)}; ` +
        `its transaction was rolled back, nothing of it was applied`,
      migration.name,
      { cause: error },
    );
  }
  await tx.query(
    `UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1 WHERE id = $1`,
    [id],
  );
  await tx.query(`UPDATE _prisma_migrations SET finished_at = clock_timestamp() WHERE id = $1`, [
    id,
  ]);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.message} (SQLSTATE ${code})` : error.message;
}

/** " at line N" from the 1-based character position PostgreSQL reports, when it does. */
function where(script: string, error: unknown): string {
  const position = Number((error as { position?: unknown } | undefined)?.position);
  if (!Number.isInteger(position) || position < 1) return '';
  return ` at line ${script.slice(0, position - 1).split('\n').length}`;
}
