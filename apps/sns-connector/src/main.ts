import 'reflect-metadata';

import { envTypes, parseEnv } from '@tuxhat/config';
import { createClusterRuntime, createLogger, runMain } from '@tuxhat/runtime';
import { startSnsConnector } from '@tuxhat/sns-connector';
import { z } from 'zod';

const connectorEnv = z.object({
  /** Carrier ids this process holds binds for (comma-separated); unset: every enabled carrier of its kind. */
  SNS_CARRIERS: envTypes.list().optional(),
});

runMain(async () => {
  const env = parseEnv(connectorEnv);
  const runtime = await createClusterRuntime('sns-connector');
  await startSnsConnector(runtime, {
    carriers: env.SNS_CARRIERS ?? 'all',
    logger: createLogger('sns-connector'),
    onShutdown: runtime.close,
  });
});
