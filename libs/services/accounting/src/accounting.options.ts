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
}

export const ACCOUNTING_OPTIONS = Symbol('tuxhat:accounting:options');

export const ACCOUNTING_DEFAULTS = {
  publishLeaseMs: 120_000,
  sweepIntervalMs: 5_000,
  sweepQuietMs: 10_000,
} as const;
