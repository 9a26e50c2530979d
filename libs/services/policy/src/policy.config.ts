import { parseEnv } from '@tuxhat/config';
import { messageRetentionEnvSchema } from '@tuxhat/runtime';
import { z } from 'zod';

import type { PolicyOptions } from './policy.options';

const milliseconds = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

/** The policy service's environment (cluster mode; all-in-one reads the same names). */
export const policyEnvSchema = z.object({
  /** Currency of a message no tariff prices (as accounting's, which charges it). */
  ACCOUNTING_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR')
    .default('EUR'),
  /** How often each replica looks for held messages that are due. */
  POLICY_RELEASE_POLL_MS: milliseconds(100),
  /** A message no status answered for this long stops counting as in flight. */
  POLICY_IN_FLIGHT_TIMEOUT_MS: milliseconds(15 * 60_000),
  /** How long decisions are kept to answer Kafka redeliveries identically. */
  POLICY_DECISION_RETENTION_MS: milliseconds(8 * 86_400_000),
  /** How long settled and released prepaid reservations are kept (libs/runtime retention). */
  ...messageRetentionEnvSchema.shape,
});

/** PolicyOptions from the environment; a bad value stops the process naming the variable. */
export function policyOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): PolicyOptions {
  const parsed = parseEnv(policyEnvSchema, env);
  return {
    currency: parsed.ACCOUNTING_CURRENCY,
    releasePollMs: parsed.POLICY_RELEASE_POLL_MS,
    inFlightTimeoutMs: parsed.POLICY_IN_FLIGHT_TIMEOUT_MS,
    decisionRetentionMs: parsed.POLICY_DECISION_RETENTION_MS,
    messageRetentionDays: parsed.MESSAGE_RETENTION_DAYS,
  };
}
