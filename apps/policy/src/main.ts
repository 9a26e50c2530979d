import 'reflect-metadata';

import { PolicyModule } from '@tuxhat/policy';
import { createClusterRuntime, runMain, startConsumerService } from '@tuxhat/runtime';

runMain(async () => {
  const runtime = await createClusterRuntime('policy');
  await startConsumerService({
    name: 'policy',
    module: PolicyModule.forRoot(runtime),
    runtime,
    onShutdown: runtime.close,
  });
});
