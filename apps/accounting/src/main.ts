import 'reflect-metadata';

import { AccountingModule } from '@tuxhat/accounting';
import { parseEnv } from '@tuxhat/config';
import { createClusterRuntime, runMain, startConsumerService } from '@tuxhat/runtime';
import { z } from 'zod';

const accountingEnv = z.object({
  ACCOUNTING_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR')
    .default('EUR'),
});

runMain(async () => {
  const env = parseEnv(accountingEnv);
  const runtime = await createClusterRuntime('accounting');
  await startConsumerService({
    name: 'accounting',
    module: AccountingModule.forRoot(runtime, { currency: env.ACCOUNTING_CURRENCY }),
    runtime,
    onShutdown: runtime.close,
  });
});
