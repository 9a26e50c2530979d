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

const days = z.int().min(MIN_RETENTION_DAYS).max(MAX_RETENTION_DAYS);

/** A retention option of a service module, in days: checked as the environment's are. */
export const retentionDaysOption = days.optional();

const retentionDays = z.coerce.number().pipe(days).optional();

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

export interface RetentionSweepOptions {
  /** The retention in milliseconds; null: keep for ever, the sweep never runs. */
  readonly retentionMs: number | null;
  readonly tables: readonly RetentionTable[];
  readonly clock: Clock;
  readonly logger: { log(message: string): void; warn(message: string): void };
  /** The wait between sweeps once nothing old is left (default 1 h). */
  readonly intervalMs?: number;
  /** The wait before the first sweep after start (default 1 min, so restarts do not skip it). */
  readonly firstDelayMs?: number;
  /** Rows one delete statement removes at most (default 5,000): short locks, short transactions. */
  readonly rowsPerDelete?: number;
}

/**
 * Deletes rows older than the retention, a bounded batch per table at a time: while a batch
 * came back full the next one starts at once (a timer tick apart, so the service keeps serving
 * and stops promptly); once every table is done it waits the interval. Any replica may run it.
 */
export class RetentionSweep {
  private readonly sweep: PeriodicSweep<number> | null;
  private readonly rowsPerDelete: number;
  private deletedThisRound = new Map<string, number>();

  constructor(private readonly options: RetentionSweepOptions) {
    this.rowsPerDelete = options.rowsPerDelete ?? 5_000;
    const intervalMs = options.intervalMs ?? 3_600_000;
    this.sweep =
      options.retentionMs === null
        ? null
        : new PeriodicSweep({
            run: () => this.deleteOneBatchEach(),
            intervalMs,
            firstDelayMs: options.firstDelayMs ?? Math.min(intervalMs, 60_000),
            nextDelayMs: (fullBatches) => (fullBatches > 0 ? 0 : intervalMs),
            logger: options.logger,
            failureMessage: 'deleting rows past their retention failed',
          });
  }

  start(): void {
    this.sweep?.start();
  }

  stop(): Promise<void> {
    return this.sweep?.stop() ?? Promise.resolve();
  }

  /**
   * Deletes everything past the retention now, batch after batch (tests, and the drain after a
   * retention was first set); returns the rows deleted by table. Nothing when retention is off.
   */
  async purge(): Promise<Record<string, number>> {
    const deleted: Record<string, number> = {};
    if (this.options.retentionMs === null) return deleted;
    const before = this.cutoff(this.options.retentionMs);
    for (const table of this.options.tables) {
      deleted[table.name] = 0;
      for (;;) {
        const count = await table.deleteBatch(before, this.rowsPerDelete);
        deleted[table.name] += count;
        if (count < this.rowsPerDelete) break;
      }
    }
    return deleted;
  }

  /** One batch of each table; returns how many came back full (more may be left). */
  private async deleteOneBatchEach(): Promise<number> {
    const before = this.cutoff(this.options.retentionMs ?? 0);
    let fullBatches = 0;
    for (const table of this.options.tables) {
      const count = await table.deleteBatch(before, this.rowsPerDelete);
      if (count > 0) {
        this.deletedThisRound.set(table.name, (this.deletedThisRound.get(table.name) ?? 0) + count);
      }
      if (count >= this.rowsPerDelete) fullBatches++;
    }
    if (fullBatches === 0 && this.deletedThisRound.size > 0) {
      const counts = [...this.deletedThisRound].map(([name, count]) => `${count} ${name}`);
      this.options.logger.log(`deleted past their retention: ${counts.join(', ')}`);
      this.deletedThisRound = new Map();
    }
    return fullBatches;
  }

  private cutoff(retentionMs: number): Date {
    return new Date(this.options.clock.now().getTime() - retentionMs);
  }
}
