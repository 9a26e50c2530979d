import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/** One `prisma/migrations/<name>/migration.sql`, read from disk. */
export interface MigrationFile {
  /** The folder name, e.g. `20261125221500_init`; `migration_name` in `_prisma_migrations`. */
  readonly name: string;
  readonly path: string;
  readonly script: string;
  /** Lower-case hex SHA-256 of the file's bytes, as Prisma Migrate computes it. */
  readonly checksum: string;
}

const MIGRATIONS_DIR_ENV = 'TUXHAT_MIGRATIONS_DIR';
const LOCK_FILE = 'migration_lock.toml';

/**
 * The checksum Prisma Migrate stores in `_prisma_migrations.checksum`: SHA-256 of the script,
 * 64 lower-case hex digits (prisma-engines schema-connector/src/checksum.rs).
 */
export function migrationChecksum(script: string): string {
  return createHash('sha256').update(script, 'utf8').digest('hex');
}

/**
 * Whether a script still matches a recorded checksum. Like Prisma, line endings do not count
 * (git may check files out with CRLF on Windows), and checksums written by old Prisma versions
 * without zero padding are accepted.
 */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const variants = [script, script.replace(/\r\n/g, '\n'), script.replace(/\r?\n/g, '\r\n')];
  return variants.some((variant) => {
    const digest = createHash('sha256').update(variant, 'utf8').digest();
    const padded = digest.toString('hex');
    const unpadded = [...digest].map((byte) => byte.toString(16)).join('');
    return checksum === padded || (checksum.length !== 64 && checksum === unpadded);
  });
}

/**
 * Where the migrations are: `TUXHAT_MIGRATIONS_DIR` if set, else the nearest
 * `prisma/migrations` (holding `migration_lock.toml`) above this file. That finds the
 * repository's folder from the TypeScript sources and from the compiled `dist/` alike; a
 * container image must ship `prisma/migrations` next to `dist/` (or set the variable).
 */
export function findMigrationsDir(from: string = __dirname): string {
  const fromEnv = process.env[MIGRATIONS_DIR_ENV];
  if (fromEnv) return resolve(fromEnv);
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(join(candidate, LOCK_FILE))) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(
    `cannot find prisma/migrations (with ${LOCK_FILE}) in any folder above ${from}; ` +
      `set ${MIGRATIONS_DIR_ENV} or pass migrationsDir`,
  );
}

/**
 * Every `<dir>/<name>/migration.sql`, in lexical order of `<name>` (Prisma's order: names
 * start with a UTC timestamp). Folders without a migration.sql are an error, as in Prisma.
 */
export async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const migrations: MigrationFile[] = [];
  for (const name of names) {
    const path = join(dir, name, 'migration.sql');
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) {
      throw new Error(`migration folder ${join(dir, name)} has no migration.sql`);
    }
    const script = await readFile(path, 'utf8');
    migrations.push({ name, path, script, checksum: migrationChecksum(script) });
  }
  return migrations;
}
