import { ConfigError } from '@tuxhat/config';
import { retentionDaysOption, retentionMs } from '@tuxhat/runtime';
import { z } from 'zod';

import type { PriceQuoter } from './prepaid/price-quoter';

/** How the policy service runs; every field has a default fit for production. */
export interface PolicyOptions {
  /** How often each replica looks for held messages that are due (ms). Default 100. */
  readonly releasePollMs?: number;
  /** Held messages one release round claims at most. Default 500. */
  readonly releaseBatchSize?: number;
  /** A claimed held message comes back if its releaser has not finished within this (ms). Default 30 s. */
  readonly releaseLeaseMs?: number;
  /** A paced message waiting for an in-flight slot is looked at again after this (ms). Default 250. */
  readonly inFlightRecheckMs?: number;
  /** A message without any answer for this long stops counting as in flight (ms). Default 15 min. */
  readonly inFlightTimeoutMs?: number;
  /** Decisions are kept this long to answer redeliveries identically (ms). Default 8 days. */
  readonly decisionRetentionMs?: number;
  /** How often old decisions and stale in-flight rows are purged (ms). Default 60 s. */
  readonly housekeepingIntervalMs?: number;
  /** How often the config revision is polled for policy changes (ms). Default 1 s. */
  readonly configPollMs?: number;
  /** The price of a message for prepaid tenants. Default: @tuxhat/billing (tariffs and rules). */
  readonly priceQuoter?: PriceQuoter;
  /** Currency of a message no tariff prices (charged 0), as accounting's. Default EUR. */
  readonly currency?: string;
  /**
   * Days a settled or released prepaid reservation is kept after it was made (env
   * MESSAGE_RETENTION_DAYS, at least 8); unset: for ever.
   */
  readonly messageRetentionDays?: number;
}

export type ResolvedPolicyOptions = Required<
  Omit<PolicyOptions, 'priceQuoter' | 'messageRetentionDays'>
> &
  Pick<PolicyOptions, 'priceQuoter'> & {
    /** Null: reservations are kept for ever. */
    readonly messageRetentionMs: number | null;
  };

export const POLICY_OPTIONS = Symbol('tuxhat:policy:options');

const retentionSchema = z.object({
  messageRetentionDays: retentionDaysOption,
});

/** Checked at boot: a bad retention stops the service with the option named. */
export function resolvePolicyOptions(options: PolicyOptions = {}): ResolvedPolicyOptions {
  const retention = retentionSchema.safeParse({
    messageRetentionDays: options.messageRetentionDays,
  });
  if (!retention.success) throw ConfigError.fromZod('policy options', retention.error);
  return {
    releasePollMs: options.releasePollMs ?? 100,
    releaseBatchSize: options.releaseBatchSize ?? 500,
    releaseLeaseMs: options.releaseLeaseMs ?? 30_000,
    inFlightRecheckMs: options.inFlightRecheckMs ?? 250,
    inFlightTimeoutMs: options.inFlightTimeoutMs ?? 15 * 60_000,
    decisionRetentionMs: options.decisionRetentionMs ?? 8 * 86_400_000,
    housekeepingIntervalMs: options.housekeepingIntervalMs ?? 60_000,
    configPollMs: options.configPollMs ?? 1_000,
    currency: options.currency ?? 'EUR',
    priceQuoter: options.priceQuoter,
    messageRetentionMs: retentionMs(retention.data.messageRetentionDays),
  };
}
