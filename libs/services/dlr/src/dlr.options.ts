import { ConfigError } from '@tuxhat/config';
import { retentionDaysOption, retentionMs } from '@tuxhat/runtime';
import { z } from 'zod';

const HOUR = 3_600_000;

const dlrOptionsSchema = z.object({
  /**
   * Validity of a message that did not set validUntil, counted from its sending (SMPP
   * validity_period default).
   */
  defaultValidityMs: z
    .int()
    .min(60_000)
    .default(48 * HOUR),
  /** Added to the validity before a message without a final receipt is given up on. */
  expiryGraceMs: z.int().min(0).default(HOUR),
  /**
   * The state such a message gets. `unknown` (default): the gateway has no evidence either way
   * (the receipt may have been lost); `expired`: trust that the carrier dropped it.
   */
  expiryStatus: z.enum(['unknown', 'expired']).default('unknown'),
  expiryPollMs: z.int().min(10).default(5_000),
  expiryBatchSize: z.int().min(1).max(5_000).default(500),
  webhook: z
    .object({
      /** Per request, connect to last byte. */
      timeoutMs: z.int().min(100).default(10_000),
      /**
       * Requests in flight per tenant: one slow endpoint never takes another tenant's slots.
       * A lane delivers at most this many per round trip: 16 capped a tenant at ~400/s when the
       * round trip took 40 ms under load (the bench's receipts queued seconds in the lane).
       */
      perTenantConcurrency: z.int().min(1).max(1_000).default(64),
      /** Deliveries held in memory per tenant; beyond it they wait in the table. */
      maxQueuedPerTenant: z.int().min(1).max(100_000).default(2_048),
      /** Keep-alive connections per origin. */
      maxSocketsPerOrigin: z.int().min(1).max(1_000).default(64),
      /** Back-off after the n-th failure: retryBaseMs * 2^(n-1), at most retryMaxMs, ±20%. */
      retryBaseMs: z.int().min(10).default(1_000),
      retryMaxMs: z
        .int()
        .min(10)
        .default(10 * 60_000),
      /** How long a delivery is retried before it is abandoned (kept, state `abandoned`). */
      maxAgeMs: z
        .int()
        .min(1_000)
        .default(24 * HOUR),
      /** How often due retries are claimed from the table. */
      pollMs: z.int().min(10).default(500),
      pollBatchSize: z.int().min(1).max(5_000).default(500),
      /** How long an old secret keeps signing after a rotation (admin API). */
      secretOverlapMs: z
        .int()
        .min(0)
        .default(24 * HOUR),
    })
    .prefault({}),
  /** First words that opt the sender out of a short code's tenant(s). */
  optOutKeywords: z
    .array(z.string().min(1).max(32))
    .default(['STOP', 'UNSUBSCRIBE'])
    .transform((words) => words.map((word) => word.toUpperCase())),
  /** The confirmation sent back on opt-out; {to} is the short code. Empty: none. */
  optOutReply: z
    .string()
    .max(1_000)
    .default('You have been unsubscribed and will receive no more messages from {to}.'),
  /** A concatenated MO still missing parts after this is handled with what arrived. */
  moReassemblyTimeoutMs: z
    .int()
    .min(1_000)
    .default(10 * 60_000),
  /**
   * Routed concatenated MOs and their parts are remembered this long: a part coming again is
   * dropped, a part the MO lacked is routed as its late fragment (README, Concatenated MO).
   */
  moPartRetentionMs: z
    .int()
    .min(1_000)
    .default(24 * HOUR),
  moSweepMs: z.int().min(10).default(30_000),
  /** How often the DLR configuration (paths, triggers, MO handlers) checks for changes. */
  configPollMs: z.int().min(10).default(1_000),
  /**
   * Days receipts, carrier ids, finished webhook deliveries and MO are kept (env
   * MESSAGE_RETENTION_DAYS, at least 8); unset: for ever.
   */
  messageRetentionDays: retentionDaysOption,
});

export type DlrOptions = z.input<typeof dlrOptionsSchema>;
export type ResolvedDlrOptions = Omit<z.output<typeof dlrOptionsSchema>, 'messageRetentionDays'> & {
  /** Null: kept for ever. */
  readonly messageRetentionMs: number | null;
};

export const DLR_OPTIONS = Symbol('tuxhat:dlr:options');

export function resolveDlrOptions(options: DlrOptions = {}): ResolvedDlrOptions {
  const parsed = dlrOptionsSchema.safeParse(options);
  if (!parsed.success) throw ConfigError.fromZod('dlr options', parsed.error);
  const { messageRetentionDays, ...rest } = parsed.data;
  return { ...rest, messageRetentionMs: retentionMs(messageRetentionDays) };
}
