import 'reflect-metadata';

import { envTypes, parseEnv } from '@tuxhat/config';
import { createClusterRuntime, createLogger, runMain } from '@tuxhat/runtime';
import { startSmppConnector } from '@tuxhat/smpp-connector';
import { z } from 'zod';

const connectorEnv = z.object({
  /** Carrier ids this process holds binds for (comma-separated); unset: every enabled carrier of its kind. */
  SMPP_CARRIERS: envTypes.list().optional(),
});

runMain(async () => {
  const env = parseEnv(connectorEnv);
  const runtime = await createClusterRuntime('smpp-connector');
  await startSmppConnector(runtime, {
    carriers: env.SMPP_CARRIERS ?? 'all',
    logger: createLogger('smpp-connector'),
    onShutdown: runtime.close,
  });
});
