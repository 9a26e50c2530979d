import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { Pool, PoolClient } from 'pg';

import type { PrismaClient } from './prisma-client';

/** Runs one SQL statement with positional parameters ($1, $2, ...); returns its rows. */
export interface SqlSession {
  /**
   * `prepareAs` names a prepared statement (one name per statement text, for the whole
   * process): PostgreSQL then plans it once per connection instead of on every call, which for
   * a statement of several CTEs costs more than running it on a small batch (measured, the
   * status projection on 30 events: 2.65 ms of database CPU per call unprepared, 1.65 ms
   * prepared). Only for statements whose best plan does not depend on the parameter values
   * (after 5 calls PostgreSQL may keep one generic plan). PGlite plans every call either way.
   */
  query<Row>(text: string, params?: readonly unknown[], prepareAs?: string): Promise<Row[]>;
}

/**
 * Raw SQL straight on the driver (node-postgres pool, or PGlite), next to the Prisma client of
 * the same database. For hot-path statements whose text is constant and whose rows travel as a
 * few JSON parameters: Prisma's raw queries go through its query compiler and protocol, which
 * costs more than the statement itself (measured, 300 rows in one JSON parameter: 7.4 ms of
 * CPU through $queryRawUnsafe, 2.3 ms through pg; a one-row statement 1.6 ms vs 0.3 ms).
 * Results come as the driver gives them: int8 and numeric as strings, json parsed, timestamps
 * as Date.
 */
export interface SqlExecutor extends SqlSession {
  /** Statements that can run at the same time: the pool's size (PGlite runs one at a time). */
  readonly connections: number;
  /** Runs `work` in a transaction on one connection: committed if it resolves, else rolled back. */
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
}

const executors = new WeakMap<PrismaClient, SqlExecutor>();

/** The raw-SQL executor of the database this Prisma client (from createDatabase) talks to. */
export function sqlOf(prisma: PrismaClient): SqlExecutor {
  const executor = executors.get(prisma);
  if (!executor) throw new Error('this Prisma client was not made by createDatabase');
  return executor;
}

export function registerSql(prisma: PrismaClient, executor: SqlExecutor): void {
  executors.set(prisma, executor);
}

export function poolExecutor(pool: Pool): SqlExecutor {
  const session = (client: Pool | PoolClient): SqlSession => ({
    async query<Row>(text: string, params: readonly unknown[] = [], prepareAs?: string) {
      const values = params as unknown[];
      const result = prepareAs
        ? await client.query({ name: prepareAs, text, values })
        : await client.query(text, values);
      return result.rows as Row[];
    },
  });
  return {
    ...session(pool),
    connections: pool.options.max,
    async transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(session(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollback: unknown) => {
          // A connection that cannot even roll back is not given back to the pool.
          broken = rollback instanceof Error ? rollback : new Error(String(rollback));
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}

export function pgliteExecutor(pglite: PGlite): SqlExecutor {
  const session = (db: PGlite | Transaction): SqlSession => ({
    async query<Row>(text: string, params: readonly unknown[] = []) {
      return (await db.query<Row>(text, params as unknown[])).rows;
    },
  });
  return {
    ...session(pglite),
    connections: 1,
    transaction: (work) => pglite.transaction((tx) => work(session(tx))),
  };
}

/**
 * Runs a Prisma.sql`...` statement (values bound, never interpolated) on the driver of the
 * client's database, as sqlOf does, prepared as `prepareAs` when given (see SqlSession.query);
 * on a client without one (an interactive transaction's `tx`, a client made elsewhere) through
 * Prisma's raw query instead, so it joins that transaction.
 */
export async function runSql<Row>(
  prisma: Pick<PrismaClient, '$queryRawUnsafe'>,
  statement: { readonly text: string; readonly values: unknown[] },
  prepareAs?: string,
): Promise<Row[]> {
  const executor = executors.get(prisma as PrismaClient);
  if (executor) return executor.query<Row>(statement.text, statement.values, prepareAs);
  return prisma.$queryRawUnsafe<Row[]>(statement.text, ...statement.values);
}
