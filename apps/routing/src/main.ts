import 'reflect-metadata';

import { RoutingModule } from '@tuxhat/routing';
import { createClusterRuntime, runMain, startConsumerService } from '@tuxhat/runtime';

runMain(async () => {
  const runtime = await createClusterRuntime('routing');
  await startConsumerService({
    name: 'routing',
    module: RoutingModule.forRoot(runtime),
    runtime,
    onShutdown: runtime.close,
  });
});
