import { Logger, type INestMicroservice } from '@nestjs/common';
import { SMS_OUTBOUND, outboundTopicsFor } from '@tuxhat/contracts';
import { defaultTopicsFor } from '@tuxhat/messaging';
import { type ServiceRuntime, startConsumerService } from '@tuxhat/runtime';

import { loadSnsCarriers } from './sns-carrier.repository';
import { SnsConnectorModule } from './sns-connector.module';
import type { StartSnsConnectorOptions } from './sns-connector.options';

/**
 * Boots the SNS connector as consumer group `sns-connector`. The carriers it serves are read
 * from the database once, here: the pod consumes only their outbound topics.
 */
export async function startSnsConnector(
  runtime: ServiceRuntime,
  options: StartSnsConnectorOptions,
): Promise<INestMicroservice> {
  const { carriers, disabled } = await loadSnsCarriers(runtime.prisma, options.carriers);
  const outboundTopics = carriers.flatMap((carrier) => outboundTopicsFor(carrier.id));
  const logger = options.logger ?? new Logger('sns-connector');
  logger.log(
    `sns-connector serves ${carriers.map((carrier) => carrier.id).join(', ') || 'no carriers'}` +
      (disabled.length > 0 ? `; disabled: ${disabled.join(', ')}` : ''),
    'sns-connector',
  );
  return startConsumerService({
    name: 'sns-connector',
    module: SnsConnectorModule.forRoot(runtime, options, carriers),
    runtime,
    topicsFor: (pattern) =>
      pattern === SMS_OUTBOUND.name ? outboundTopics : defaultTopicsFor(pattern),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
    ...(options.shutdownHooks === undefined ? {} : { shutdownHooks: options.shutdownHooks }),
    ...(options.onShutdown ? { onShutdown: options.onShutdown } : {}),
  });
}
