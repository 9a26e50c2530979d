// @tuxhat/database: the Prisma client (generated from prisma/schema.prisma), the connection to
// PostgreSQL or embedded PGlite, and the migration runner. See libs/database/README.md.
export {
  $Enums,
  CarrierKind,
  MessageStatus,
  Prisma,
  PrismaClient,
  TenantStatus,
} from './prisma-client';
export type {
  AccountingRecord,
  ApiKey,
  AuditLog,
  Carrier,
  ClientCertificate,
  Message,
  MessageStatusEvent,
  Route,
  Tenant,
} from './prisma-client';
export { createDatabase } from './create-database';
export { seedPgliteDataDir } from './pglite-template';
export { runSql, sqlOf } from './raw-sql';
export { StatementGenerations } from './statement-generation';
export type { SqlExecutor, SqlSession } from './raw-sql';
export type {
  Database,
  DatabaseKind,
  DatabaseOptions,
  PgliteDatabaseOptions,
  PostgresDatabaseOptions,
} from './create-database';
export { DATABASE, DatabaseModule, PRISMA } from './database.module';
export type { DatabaseModuleAsyncOptions } from './database.module';
export * from './migrations';
export { parsePostgresUrl } from './postgres-url';
export type { PostgresUrl } from './postgres-url';
export { bumpConfigRevision, readConfigRevision } from './config-revision';
