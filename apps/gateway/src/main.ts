// Tracing, metrics and the ops endpoint first, before any other module loads.
import '@tuxhat/observability/register';
import 'reflect-metadata';

import { createLogger, runMain } from '@tuxhat/runtime';

import { startGateway } from './all-in-one';
import { readGatewayEnv } from './gateway.config';

runMain(async () => {
  const env = readGatewayEnv();
  const logger = createLogger('gateway');
  const gateway = await startGateway(env, logger);

  const banner = [
    '',
    'TuxHat SMS Gateway (all-in-one) is running',
    `  REST API  ${gateway.httpUrl}/v1/messages`,
    `  gRPC API  ${gateway.grpcUrl} (sms.v1.Messages)`,
    `  Admin API ${gateway.adminUrl}/admin/v1 (docs ${gateway.adminUrl}/admin/docs)`,
    `            admin key in ${gateway.adminKeyFile}`,
    `  Database  ${gateway.database}`,
    `  Ingress   on ${gateway.ingressPlacement}`,
    ...(gateway.simulatorAddress
      ? [`  Carrier   built-in SMSC simulator on ${gateway.simulatorAddress}`]
      : []),
    ...(gateway.demoApiKey
      ? [
          `  Demo tenant "demo", API key: ${gateway.demoApiKey}`,
          '',
          'Send a message:',
          `  curl -s -X POST ${gateway.httpUrl}/v1/messages \\`,
          `    -H 'Authorization: Bearer ${gateway.demoApiKey}' -H 'Content-Type: application/json' \\`,
          `    -d '{"to":"+38267123456","from":"TuxHat","text":"Your code is 123456"}'`,
        ]
      : []),
    '',
  ];
  process.stdout.write(`${banner.join('\n')}\n`);

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal}: draining and closing`, 'gateway');
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`shutdown failed: ${String(error)}`, 'gateway');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
});
