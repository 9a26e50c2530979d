// Tracing, metrics and the ops endpoint first, before any other module loads.
import '@tuxhat/observability/register';
import 'reflect-metadata';

import { RoutingModule, routingOptionsFromEnv } from '@tuxhat/routing';
import { createClusterRuntime, runMain, startConsumerService } from '@tuxhat/runtime';

runMain(async () => {
  const options = routingOptionsFromEnv();
  const runtime = await createClusterRuntime('routing');
  await startConsumerService({
    name: 'routing',
    module: RoutingModule.forRoot(runtime, options),
    runtime,
    onShutdown: runtime.close,
  });
});
