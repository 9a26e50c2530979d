import { type Database, sqlOf } from '@tuxhat/database';

/**
 * How many bytes of write-ahead log the PostgreSQL server has written since it was created (its
 * current WAL position): read before and after a run, the difference is what the run wrote.
 * Every row a message inserts, updates or deletes, and every index entry, is WAL first, which
 * the server writes, fsyncs, archives and ships to its replicas: bytes per message size an
 * operator's disks and replication links. The position is the whole server's; in the benches
 * nothing else writes to it while they measure.
 */
export async function walPosition(database: Database): Promise<bigint> {
  const [row] = await sqlOf(database.prisma).query<{ bytes: string }>(
    `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS bytes`,
  );
  if (!row) throw new Error('pg_current_wal_lsn() returned no row');
  return BigInt(row.bytes);
}

/**
 * Starts counting a system's WAL: the function returned gives the bytes written since, or
 * undefined for a system without a PostgreSQL server the bench can ask.
 */
export async function startWalCount(target: {
  walPosition?(): Promise<bigint>;
}): Promise<() => Promise<bigint | undefined>> {
  const before = await target.walPosition?.();
  return async () => {
    const after = await target.walPosition?.();
    return before === undefined || after === undefined ? undefined : after - before;
  };
}

/** Bytes per message (or receipt), as the results show it: "6.8 KB"; "–" without bytes or items. */
export function walPerItem(bytes: bigint | undefined, count: number): string {
  if (bytes === undefined || count <= 0) return '–';
  const perItem = Number(bytes) / count;
  return perItem < 1_000 ? `${Math.round(perItem)} B` : `${(perItem / 1_000).toFixed(1)} KB`;
}
