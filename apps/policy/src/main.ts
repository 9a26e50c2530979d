// Tracing, metrics and the ops endpoint first, before any other module loads.
import '@tuxhat/observability/register';
import 'reflect-metadata';

import { PolicyModule, policyOptionsFromEnv } from '@tuxhat/policy';
import { createClusterRuntime, runMain, startConsumerService } from '@tuxhat/runtime';

runMain(async () => {
  const options = policyOptionsFromEnv();
  const runtime = await createClusterRuntime('policy');
  await startConsumerService({
    name: 'policy',
    module: PolicyModule.forRoot(runtime, options),
    runtime,
    onShutdown: runtime.close,
  });
});
