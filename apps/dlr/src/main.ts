import 'reflect-metadata';

import { DlrModule } from '@tuxhat/dlr';
import { createClusterRuntime, runMain, startConsumerService } from '@tuxhat/runtime';

runMain(async () => {
  const runtime = await createClusterRuntime('dlr');
  await startConsumerService({
    name: 'dlr',
    module: DlrModule.forRoot(runtime),
    runtime,
    onShutdown: runtime.close,
  });
});
