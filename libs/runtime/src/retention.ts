import { Prisma, type PrismaClient } from '@tuxhat/database';
import { z } from 'zod';

import { PeriodicSweep } from './periodic-sweep';
import type { Clock } from './service-runtime';

export const DAY_MS = 86_400_000;

/**
 * The shortest retention allowed. A message's rows answer Kafka redeliveries of its events:
 * the connectors' replay guard reads the dlr's carrier ids (a redelivered route must not send
 * twice), accounting its record (nor bill twice). Topics keep records 7 days by default, and
 * the policy keeps its decisions 8 days for the same reason.
 */
export const MIN_RETENTION_DAYS = 8;

export const MAX_RETENTION_DAYS = 36_500;

const allowedDays = z.int().min(MIN_RETENTION_DAYS).max(MAX_RETENTION_DAYS);

/** A retention option of a service module, in days: checked as the environment's are. */
export const retentionDaysOption = allowedDays.optional();

const retentionDays = z.coerce.number().pipe(allowedDays).optional();

/**
 * How long the database keeps what each message leaves behind; unset: for ever. Every service
 * deletes its own rows (ingress the messages and their history, dlr receipts, carrier ids,
 * callbacks and MO, policy settled prepaid reservations, all-in-one dead letters).
 */
export const messageRetentionEnvSchema = z.object({
  /** Days a message in a final state is kept after it was accepted, with everything about it. */
  MESSAGE_RETENTION_DAYS: retentionDays,
});

/** Accounting's own: records are what billing is paid from, usually kept longer than messages. */
export const accountingRetentionEnvSchema = z.object({
  /** Days an accounting record is kept after its message was accepted, once billing has it. */
  ACCOUNTING_RETENTION_DAYS: retentionDays,
});

/** Days from the environment as milliseconds; null (keep for ever) when unset. */
export function retentionMs(days: number | undefined): number | null {
  return days === undefined ? null : days * DAY_MS;
}

/** One kind of row retention deletes. */
export interface RetentionTable {
  /** What the log line calls it, e.g. "messages". */
  readonly name: string;
  /**
   * Deletes at most `limit` rows that are older than `before` and no longer needed; returns how
   * many. Rows another replica's batch holds are skipped (FOR UPDATE SKIP LOCKED), so replicas
   * share the work instead of waiting on each other.
   */
  readonly deleteBatch: (before: Date, limit: number) => Promise<number>;
}

/** A table whose old rows one statement per batch deletes (retentionTable). */
export interface RetentionTableSpec {
  /** What the log line calls it, e.g. "dead letters". */
  readonly name: string;
  readonly table: string;
  /** The columns that identify a row (its primary key), comma-separated. */
  readonly key: string;
  /** The rows past the retention and no longer needed, for a cut-off (columns by plain name). */
  readonly where: (before: Date) => Prisma.Sql;
  /** The order batches take them in (an indexed column, so the index finds them); none: any. */
  readonly orderBy?: string;
}

/**
 * The usual RetentionTable: each batch picks at most `limit` rows of `spec.where`, skipping the
 * ones another transaction holds (a writer, or another replica's batch), and deletes them.
 */
export function retentionTable(prisma: PrismaClient, spec: RetentionTableSpec): RetentionTable {
  const table = Prisma.raw(spec.table);
  const key = Prisma.raw(spec.key);
  const order = spec.orderBy ? Prisma.sql`ORDER BY ${Prisma.raw(spec.orderBy)}` : Prisma.empty;
  return {
    name: spec.name,
    deleteBatch: (before, limit) =>
      prisma.$executeRaw(Prisma.sql`
        WITH doomed AS (
          SELECT ${key} FROM ${table}
          WHERE ${spec.where(before)}
          ${order}
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED
        )
        DELETE FROM ${table} WHERE (${key}) IN (SELECT ${key} FROM doomed)`),
  };
}

export interface RetentionSweepOptions {
  /** The retention in milliseconds; null: keep for ever, the sweep never runs. */
  readonly retentionMs: number | null;
  readonly tables: readonly RetentionTable[];
  /** Cuts the retention, and times the batches for the pacing. */
  readonly clock: Clock;
  readonly logger: { log(message: string): void; warn(message: string): void };
  /** The wait between sweeps once nothing old is left (default 10 min). */
  readonly intervalMs?: number;
  /** The wait before the first sweep after start (default 1 min, so restarts do not skip it). */
  readonly firstDelayMs?: number;
  /** Rows one delete statement removes at most (default 5,000): short locks, short transactions. */
  readonly rowsPerDelete?: number;
  /**
   * The share of a sweep's time spent deleting (default 0.5): after each round of batches it
   * waits (1 - share) / share of the round's time, so a large backlog (a retention set on a
   * full database, the hour after a traffic peak) leaves the database room for live traffic.
   */
  readonly busyShare?: number;
}

/** The share of its time a sweep spends deleting, unless told otherwise (bench/retention). */
export const DEFAULT_BUSY_SHARE = 0.5;

/** How a purge runs: at full speed (tests), or paced as the periodic sweep is. */
export interface PurgePacing {
  /** As RetentionSweepOptions.busyShare; 1 (no pause) by default. */
  readonly busyShare?: number;
  /** Ends the purge between two rounds (the service is stopping). */
  readonly signal?: AbortSignal;
}

/**
 * Deletes rows older than the retention, in rounds of one bounded batch per table, until every
 * table's batch comes back short; then waits the interval. Paced (busyShare) so that deleting
 * does not crowd out live traffic, and stoppable between rounds. Any replica may run it.
 */
export class RetentionSweep {
  private readonly sweep: PeriodicSweep<void> | null;
  private readonly rowsPerDelete: number;
  private stopping = new AbortController();

  constructor(private readonly options: RetentionSweepOptions) {
    this.rowsPerDelete = options.rowsPerDelete ?? 5_000;
    const intervalMs = options.intervalMs ?? 600_000;
    const busyShare = options.busyShare ?? DEFAULT_BUSY_SHARE;
    if (!(busyShare > 0 && busyShare <= 1)) throw new RangeError(`busyShare ${busyShare}: (0, 1]`);
    this.sweep =
      options.retentionMs === null
        ? null
        : new PeriodicSweep({
            run: async () => {
              const deleted = await this.purge({ busyShare, signal: this.stopping.signal });
              const counts = Object.entries(deleted).filter(([, count]) => count > 0);
              if (counts.length > 0) {
                const text = counts.map(([name, count]) => `${count} ${name}`).join(', ');
                options.logger.log(`deleted past their retention: ${text}`);
              }
            },
            intervalMs,
            firstDelayMs: options.firstDelayMs ?? Math.min(intervalMs, 60_000),
            logger: options.logger,
            failureMessage: 'deleting rows past their retention failed',
          });
  }

  start(): void {
    if (this.stopping.signal.aborted) this.stopping = new AbortController();
    this.sweep?.start();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.sweep?.stop();
  }

  /**
   * Deletes everything past the retention now, round after round, at full speed unless paced;
   * returns the rows deleted by table. Nothing when retention is off.
   */
  async purge(pacing: PurgePacing = {}): Promise<Record<string, number>> {
    const deleted: Record<string, number> = {};
    if (this.options.retentionMs === null) return deleted;
    const before = this.cutoff(this.options.retentionMs);
    const share = pacing.busyShare ?? 1;
    let pending = this.options.tables;
    for (const table of pending) deleted[table.name] = 0;
    while (pending.length > 0 && !pacing.signal?.aborted) {
      const started = this.options.clock.now().getTime();
      const full: RetentionTable[] = [];
      for (const table of pending) {
        const count = await table.deleteBatch(before, this.rowsPerDelete);
        deleted[table.name] += count;
        if (count >= this.rowsPerDelete) full.push(table);
      }
      pending = full;
      const busyMs = this.options.clock.now().getTime() - started;
      if (pending.length > 0 && share < 1 && busyMs > 0) {
        await pause((busyMs * (1 - share)) / share, pacing.signal);
      }
    }
    return deleted;
  }

  private cutoff(retentionMs: number): Date {
    return new Date(this.options.clock.now().getTime() - retentionMs);
  }
}

/** Waits `ms`, or less if `signal` aborts first. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
