import { Logger, type INestMicroservice } from '@nestjs/common';
import { outboundTopicsFor } from '@tuxhat/contracts';
import { rejectedAtBoot, startConnectorService } from '@tuxhat/connector-kit';
import type { ServiceRuntime } from '@tuxhat/runtime';

import { loadSnsCarriers } from './sns-carrier.repository';
import { SnsConnectorModule } from './sns-connector.module';
import type { StartSnsConnectorOptions } from './sns-connector.options';

/**
 * Boots the SNS connector as consumer group `sns-connector` (or `sns-connector.<shard>`). The
 * carriers it serves at boot are read from the database here: the pod consumes only their
 * outbound topics (every lane). Carriers added later join through `subscriptions`.
 */
export async function startSnsConnector(
  runtime: ServiceRuntime,
  options: StartSnsConnectorOptions,
): Promise<INestMicroservice> {
  const { carriers, disabled, rejected } = await loadSnsCarriers(runtime.prisma, options.carriers);
  const outboundTopics = carriers.flatMap((carrier) => outboundTopicsFor(carrier.id));
  const logger = options.logger ?? new Logger('sns-connector');
  logger.log(
    `sns-connector serves ${carriers.map((carrier) => carrier.id).join(', ') || 'no carriers'}` +
      (disabled.length > 0 ? `; disabled: ${disabled.join(', ')}` : '') +
      rejectedAtBoot(rejected),
    'sns-connector',
  );
  return startConnectorService(
    'sns-connector',
    runtime,
    (subscriptions) => SnsConnectorModule.forRoot(runtime, options, carriers, subscriptions),
    outboundTopics,
    options,
  );
}
