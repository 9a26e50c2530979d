import { Prisma, type PrismaClient, runSql, sqlOf } from '@tuxhat/database';

/**
 * Runs `query` (a SELECT) and returns its rows, fetched as one JSON text (json_agg): a hot-path
 * read costs one cell of client work however many rows and columns it has, where Prisma's
 * findMany compiles the query and materialises every cell. Timestamps come back as ISO
 * strings, jsonb columns as values.
 */
export async function jsonRows<T>(
  prisma: Pick<PrismaClient, '$queryRawUnsafe'>,
  query: Prisma.Sql,
): Promise<T[]> {
  const [result] = await runSql<{ rows: string }>(
    prisma,
    Prisma.sql`
    SELECT coalesce(json_agg(q), '[]'::json)::text AS rows FROM (${query}) AS q`,
  );
  return JSON.parse(result?.rows ?? '[]') as T[];
}

/**
 * Runs a hot-path statement as the named prepared statement `name` (one name per statement
 * text): PostgreSQL parses and plans it once per connection instead of on every call (the
 * sms.sent and receipt statements: 0.3-0.8 ms of planning per call, as much as running them on
 * a small batch). Only for statements whose reads of big tables are index probes in any plan,
 * since after five calls PostgreSQL may keep a generic plan. PGlite plans every call anyway.
 */
export function runPrepared<Row>(prisma: PrismaClient, name: string, statement: Prisma.Sql) {
  return sqlOf(prisma).query<Row>(statement.text, statement.values, name);
}
