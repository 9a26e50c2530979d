// Tracing, metrics and the ops endpoint first, before any other module loads.
import '@tuxhat/observability/register';
import 'reflect-metadata';

import { ConfigError, envTypes, parseEnv } from '@tuxhat/config';
import { carrierFaultRuleOf, carrierHealthEnvSchema } from '@tuxhat/connector-kit';
import { createClusterRuntime, createLogger, runMain } from '@tuxhat/runtime';
import { READY_WHEN, startSmppConnector } from '@tuxhat/smpp-connector';
import { z } from 'zod';

const connectorEnv = z.object({
  /** Carrier ids this pod holds binds for (comma-separated); unset: every enabled SMPP carrier. */
  SMPP_CARRIERS: envTypes.list().optional(),
  /** Names the carrier set when SMPP_CARRIERS is given: the pod's consumer group is smpp-connector.<shard>. */
  SMPP_SHARD: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes')
    .optional(),
  /** Readiness: every held carrier has a bind up (all), at least one (any), or regardless (always). */
  SMPP_READY_WHEN: z.enum(READY_WHEN).default('all'),
  /** When failing submits make a carrier unhealthy (libs/connector-kit, carrier health). */
  ...carrierHealthEnvSchema.shape,
});

runMain(async () => {
  const env = parseEnv(connectorEnv);
  if (env.SMPP_CARRIERS && !env.SMPP_SHARD) {
    throw new ConfigError('environment', [
      'SMPP_SHARD: required with SMPP_CARRIERS (pods holding different carriers need their own consumer group)',
    ]);
  }
  const runtime = await createClusterRuntime('smpp-connector');
  await startSmppConnector(runtime, {
    carriers: env.SMPP_CARRIERS ?? 'all',
    ...(env.SMPP_SHARD ? { shard: env.SMPP_SHARD } : {}),
    readyWhen: env.SMPP_READY_WHEN,
    health: carrierFaultRuleOf(env),
    logger: createLogger('smpp-connector'),
    onShutdown: runtime.close,
  });
});
