import { ConfigError } from '@tuxhat/config';
import { retentionDaysOption, retentionMs } from '@tuxhat/runtime';
import { z } from 'zod';

export interface AccountingOptions {
  /** ISO 4217 currency of amounts nothing else prices (no tariff, no carrier cost). */
  readonly currency: string;
  /**
   * A publisher's claim on a record older than this was left by a dead process and is taken
   * over. Far longer than a publish can take, or two publishers could both send a record.
   */
  readonly publishLeaseMs?: number;
  /** How often unpublished records are looked for (left by a crash or a failed publish). */
  readonly sweepIntervalMs?: number;
  /** The sweeper leaves records changed more recently than this to the consumer at work on them. */
  readonly sweepQuietMs?: number;
  /** How often the configuration revision is polled (ConfigSnapshot). */
  readonly configPollMs?: number;
  /**
   * Days a record billing has is kept after its message was accepted (env
   * ACCOUNTING_RETENTION_DAYS, at least 8); unset: for ever.
   */
  readonly recordRetentionDays?: number;
}

export const ACCOUNTING_OPTIONS = Symbol('tuxhat:accounting:options');
/** The record retention in milliseconds, checked; null: records are kept for ever. */
export const RECORD_RETENTION_MS = Symbol('tuxhat:accounting:record-retention-ms');

const retentionSchema = z.object({
  recordRetentionDays: retentionDaysOption,
});

/** Checked at boot: a bad value stops the service with the option named. */
export function recordRetentionMs(options: AccountingOptions): number | null {
  const parsed = retentionSchema.safeParse({ recordRetentionDays: options.recordRetentionDays });
  if (!parsed.success) throw ConfigError.fromZod('accounting options', parsed.error);
  return retentionMs(parsed.data.recordRetentionDays);
}

export const ACCOUNTING_DEFAULTS = {
  publishLeaseMs: 120_000,
  sweepIntervalMs: 5_000,
  sweepQuietMs: 10_000,
} as const;
