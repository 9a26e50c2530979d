import { envTypes } from '@tuxhat/config';
import type { DlrOptions } from '@tuxhat/dlr';
import { messageRetentionEnvSchema } from '@tuxhat/runtime';
import { z } from 'zod';

const ms = (fallback?: number) =>
  fallback === undefined
    ? z.coerce.number().int().min(0).optional()
    : z.coerce.number().int().min(0).default(fallback);

/** The dlr process's environment, beyond the cluster runtime's (KAFKA_BROKERS, DATABASE_URL). */
export const dlrEnvSchema = z.object({
  DLR_DEFAULT_VALIDITY_MS: ms(),
  DLR_EXPIRY_GRACE_MS: ms(),
  DLR_EXPIRY_STATUS: z.enum(['unknown', 'expired']).optional(),
  DLR_WEBHOOK_TIMEOUT_MS: ms(),
  DLR_WEBHOOK_TENANT_CONCURRENCY: ms(),
  DLR_WEBHOOK_MAX_AGE_MS: ms(),
  DLR_WEBHOOK_RETRY_BASE_MS: ms(),
  DLR_WEBHOOK_RETRY_MAX_MS: ms(),
  DLR_OPT_OUT_KEYWORDS: envTypes.list().optional(),
  DLR_OPT_OUT_REPLY: z.string().max(1_000).optional(),
  /** Days receipts, carrier ids, finished callbacks and MO are kept (libs/runtime retention). */
  ...messageRetentionEnvSchema.shape,
});

export type DlrEnv = z.infer<typeof dlrEnvSchema>;

/** Only what is set: the service's own defaults apply to the rest (see libs/services/dlr/README.md). */
export function dlrOptionsFromEnv(env: DlrEnv): DlrOptions {
  const defined = <T extends object>(value: T) =>
    Object.fromEntries(Object.entries(value).filter(([, each]) => each !== undefined)) as T;
  return defined({
    defaultValidityMs: env.DLR_DEFAULT_VALIDITY_MS,
    expiryGraceMs: env.DLR_EXPIRY_GRACE_MS,
    expiryStatus: env.DLR_EXPIRY_STATUS,
    optOutKeywords: env.DLR_OPT_OUT_KEYWORDS,
    optOutReply: env.DLR_OPT_OUT_REPLY,
    messageRetentionDays: env.MESSAGE_RETENTION_DAYS,
    webhook: defined({
      timeoutMs: env.DLR_WEBHOOK_TIMEOUT_MS,
      perTenantConcurrency: env.DLR_WEBHOOK_TENANT_CONCURRENCY,
      maxAgeMs: env.DLR_WEBHOOK_MAX_AGE_MS,
      retryBaseMs: env.DLR_WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: env.DLR_WEBHOOK_RETRY_MAX_MS,
    }),
  });
}
