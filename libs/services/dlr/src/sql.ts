import { Prisma, type PrismaClient, runSql } from '@tuxhat/database';

/**
 * Runs `query` (a SELECT) and returns its rows, fetched as one JSON text (json_agg): a hot-path
 * read costs one cell of client work however many rows and columns it has, where Prisma's
 * findMany compiles the query and materialises every cell. Timestamps come back as ISO
 * strings, jsonb columns as values. `prepareAs` as runSql's.
 */
export async function jsonRows<T>(
  prisma: Pick<PrismaClient, '$queryRawUnsafe'>,
  query: Prisma.Sql,
  prepareAs?: string,
): Promise<T[]> {
  const [result] = await runSql<{ rows: string }>(
    prisma,
    Prisma.sql`
    SELECT coalesce(json_agg(q), '[]'::json)::text AS rows FROM (${query}) AS q`,
    prepareAs,
  );
  return JSON.parse(result?.rows ?? '[]') as T[];
}
