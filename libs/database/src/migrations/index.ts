export { migrate, PRISMA_MIGRATIONS_TABLE_DDL } from './migrate';
export type { MigrateOptions, MigrateResult, PrismaMigrationRow } from './migrate';
export { PRISMA_MIGRATE_LOCK_ID } from './migration-connection';
export type { MigrationTarget } from './migration-connection';
export { MigrationError } from './migration-error';
export type { MigrationErrorCode } from './migration-error';
export {
  findMigrationsDir,
  migrationChecksum,
  readMigrations,
  scriptMatchesChecksum,
} from './migration-files';
export type { MigrationFile } from './migration-files';
