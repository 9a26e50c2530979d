// Applies prisma/migrations to a database and records them in _prisma_migrations the way
// `prisma migrate deploy` does (which needs Prisma's native schema engine; this does not).
//
//   node dist/scripts/db/migrate.js                   # DATABASE_URL (postgresql://...[?schema=x])
//   node dist/scripts/db/migrate.js --pglite <dir>    # embedded PGlite data directory
//   options: --migrations <dir>   (default: the nearest prisma/migrations, or TUXHAT_MIGRATIONS_DIR)
//            --lock-timeout <ms>  (PostgreSQL: wait for another runner; default 60000)
// Exit status: 0 applied or nothing to do, 1 failure (the message names the migration), 2 usage.
import {
  migrate,
  MigrationError,
  type MigrateOptions,
  type MigrationTarget,
} from '@tuxhat/database';

const USAGE =
  'usage: migrate [--pglite <dir>] [--migrations <dir>] [--lock-timeout <ms>]  (else DATABASE_URL)';

class UsageError extends Error {}

export function parseArgs(
  argv: string[],
  env: NodeJS.ProcessEnv,
): { target: MigrationTarget; options: MigrateOptions } {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? '';
    if (flag === '--help' || flag === '-h') throw new UsageError(USAGE);
    if (!['--pglite', '--migrations', '--lock-timeout'].includes(flag)) {
      throw new UsageError(`unknown argument ${flag}\n${USAGE}`);
    }
    const value = argv[++i];
    if (value === undefined || value.startsWith('--'))
      throw new UsageError(`${flag} needs a value\n${USAGE}`);
    values.set(flag, value);
  }
  const pglite = values.get('--pglite');
  const url = env['DATABASE_URL'];
  let target: MigrationTarget;
  if (pglite !== undefined) target = { pgliteDataDir: pglite };
  else if (url) target = { url };
  else throw new UsageError(`DATABASE_URL is not set and no --pglite <dir> was given\n${USAGE}`);

  const lockTimeout = values.get('--lock-timeout');
  const lockTimeoutMs = lockTimeout === undefined ? undefined : Number(lockTimeout);
  if (lockTimeoutMs !== undefined && !(Number.isInteger(lockTimeoutMs) && lockTimeoutMs > 0)) {
    throw new UsageError(`--lock-timeout must be a positive integer (ms), got ${lockTimeout}`);
  }
  const migrationsDir = values.get('--migrations');
  return {
    target,
    options: {
      ...(migrationsDir === undefined ? {} : { migrationsDir }),
      ...(lockTimeoutMs === undefined ? {} : { lockTimeoutMs }),
    },
  };
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    return 2;
  }
  const where =
    'url' in parsed.target
      ? 'PostgreSQL (DATABASE_URL)'
      : `PGlite ${JSON.stringify(parsed.target)}`;
  try {
    const result = await migrate(parsed.target, {
      ...parsed.options,
      log: (line) => console.log(`[migrate] ${line}`),
    });
    console.log(
      `[migrate] ${where}: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied`,
    );
    return 0;
  } catch (error) {
    const message =
      error instanceof MigrationError || error instanceof Error ? error.message : String(error);
    console.error(`[migrate] ${where}: ${message}`);
    return 1;
  }
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
