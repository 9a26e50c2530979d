// Tracing, metrics and the ops endpoint first, before any other module loads.
import '@tuxhat/observability/register';
import 'reflect-metadata';

import { parseEnv } from '@tuxhat/config';
import { DLR_PARTITIONS_CONSUMED_CONCURRENTLY, DlrModule, resolveDlrOptions } from '@tuxhat/dlr';
import { createClusterRuntime, runMain, startConsumerService } from '@tuxhat/runtime';

import { dlrEnvSchema, dlrOptionsFromEnv } from './dlr.config';

runMain(async () => {
  // Validated before anything connects: a bad value stops the process naming the variable.
  const options = dlrOptionsFromEnv(parseEnv(dlrEnvSchema));
  resolveDlrOptions(options);
  const runtime = await createClusterRuntime('dlr');
  await startConsumerService({
    name: 'dlr',
    module: DlrModule.forRoot(runtime, options),
    runtime,
    partitionsConsumedConcurrently: DLR_PARTITIONS_CONSUMED_CONCURRENTLY,
    onShutdown: runtime.close,
  });
});
