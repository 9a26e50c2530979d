/**
 * PostgreSQL URLs as Prisma reads them: `postgresql://user:pass@host:port/db?schema=name`.
 * `schema` is Prisma's own parameter (node-postgres does not know it): it selects the schema
 * that holds the tables, `_prisma_migrations` included. Default: `public`.
 */
export interface PostgresUrl {
  /** The URL without the `schema` parameter, for node-postgres. */
  readonly connectionString: string;
  /** The `schema` parameter, if the URL has one. */
  readonly schema: string | undefined;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function parsePostgresUrl(url: string): PostgresUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(
      'database URL is not a valid URL (expected postgresql://user:password@host:port/database)',
    );
  }
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
    throw new Error(
      `database URL has scheme "${parsed.protocol}", expected postgresql: or postgres:`,
    );
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(
      `database URL parameter schema="${schema}" is not a plain identifier (letters, digits, _)`,
    );
  }
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema };
}

/** `-c search_path=...` for node-postgres' `options`, so raw SQL sees the same schema. */
export function searchPathOption(schema: string | undefined): string | undefined {
  return schema === undefined ? undefined : `-c search_path=${schema}`;
}

/** Double-quotes an identifier for SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
