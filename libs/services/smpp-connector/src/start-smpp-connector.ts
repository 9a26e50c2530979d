import { Logger, type INestMicroservice } from '@nestjs/common';
import { outboundTopicsFor } from '@tuxhat/contracts';
import { rejectedAtBoot, startConnectorService } from '@tuxhat/connector-kit';
import type { ServiceRuntime } from '@tuxhat/runtime';

import { canSubmit, loadSmppCarriers } from './smpp-carrier.repository';
import { SmppConnectorModule } from './smpp-connector.module';
import type { StartSmppConnectorOptions } from './smpp-connector.options';

/**
 * Boots the SMPP connector as consumer group `smpp-connector` (or `smpp-connector.<shard>`).
 * The carriers it holds at boot are read from the database here: the pod binds to them and
 * consumes only their outbound topics (`sms.outbound.v1.<carrier>` and its lanes;
 * receiver-only carriers have none). Carriers added later join through `subscriptions`.
 */
export async function startSmppConnector(
  runtime: ServiceRuntime,
  options: StartSmppConnectorOptions,
): Promise<INestMicroservice> {
  const loaded = await loadSmppCarriers(runtime.prisma, options.carriers);
  const { carriers, disabled, rejected } = loaded;
  const outboundTopics = carriers
    .filter(canSubmit)
    .flatMap((carrier) => outboundTopicsFor(carrier.id));
  const logger = options.logger ?? new Logger('smpp-connector');
  logger.log(
    `smpp-connector holds ${carriers.map((carrier) => carrier.id).join(', ') || 'no carriers'}` +
      (disabled.length > 0 ? `; disabled, not bound: ${disabled.join(', ')}` : '') +
      rejectedAtBoot(rejected),
    'smpp-connector',
  );
  return startConnectorService(
    'smpp-connector',
    runtime,
    (subscriptions) => SmppConnectorModule.forRoot(runtime, options, loaded, subscriptions),
    outboundTopics,
    options,
  );
}
