// Tracing, metrics and the ops endpoint first, before any other module loads.
import '@tuxhat/observability/register';
import 'reflect-metadata';

import { AccountingModule } from '@tuxhat/accounting';
import { parseEnv } from '@tuxhat/config';
import {
  accountingRetentionEnvSchema,
  createClusterRuntime,
  runMain,
  startConsumerService,
} from '@tuxhat/runtime';
import { z } from 'zod';

const milliseconds = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

const accountingEnv = z.object({
  ACCOUNTING_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR')
    .default('EUR'),
  /** A publisher's claim older than this is taken over (its process died). */
  ACCOUNTING_PUBLISH_LEASE_MS: milliseconds(120_000),
  /** How often records left unpublished (crash, failed publish) are looked for. */
  ACCOUNTING_SWEEP_INTERVAL_MS: milliseconds(5_000),
  /** Days records billing has are kept (libs/runtime retention); unset: for ever. */
  ...accountingRetentionEnvSchema.shape,
});

runMain(async () => {
  const env = parseEnv(accountingEnv);
  const runtime = await createClusterRuntime('accounting');
  await startConsumerService({
    name: 'accounting',
    module: AccountingModule.forRoot(runtime, {
      currency: env.ACCOUNTING_CURRENCY,
      publishLeaseMs: env.ACCOUNTING_PUBLISH_LEASE_MS,
      sweepIntervalMs: env.ACCOUNTING_SWEEP_INTERVAL_MS,
      recordRetentionDays: env.ACCOUNTING_RETENTION_DAYS,
    }),
    runtime,
    onShutdown: runtime.close,
  });
});
