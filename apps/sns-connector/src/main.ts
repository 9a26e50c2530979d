// Tracing, metrics and the ops endpoint first, before any other module loads.
import '@tuxhat/observability/register';
import 'reflect-metadata';

import { ConfigError, envTypes, parseEnv } from '@tuxhat/config';
import { carrierFaultRuleOf, carrierHealthEnvSchema } from '@tuxhat/connector-kit';
import { createClusterRuntime, createLogger, runMain } from '@tuxhat/runtime';
import { startSnsConnector } from '@tuxhat/sns-connector';
import { z } from 'zod';

const connectorEnv = z.object({
  /** Carrier ids this process holds binds for (comma-separated); unset: every enabled carrier of its kind. */
  SNS_CARRIERS: envTypes.list().optional(),
  /** Names the carrier set when SNS_CARRIERS is given: the pod's consumer group is sns-connector.<shard>. */
  SNS_SHARD: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes')
    .optional(),
  /** When failing publishes make a carrier unhealthy (libs/connector-kit, carrier health). */
  ...carrierHealthEnvSchema.shape,
});

runMain(async () => {
  const env = parseEnv(connectorEnv);
  if (env.SNS_CARRIERS && !env.SNS_SHARD) {
    throw new ConfigError('environment', [
      'SNS_SHARD: required with SNS_CARRIERS (pods serving different carriers need their own consumer group)',
    ]);
  }
  const runtime = await createClusterRuntime('sns-connector');
  await startSnsConnector(runtime, {
    carriers: env.SNS_CARRIERS ?? 'all',
    ...(env.SNS_SHARD ? { shard: env.SNS_SHARD } : {}),
    health: carrierFaultRuleOf(env),
    logger: createLogger('sns-connector'),
    onShutdown: runtime.close,
  });
});
