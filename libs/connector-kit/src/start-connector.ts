import type { DynamicModule, INestMicroservice, LoggerService } from '@nestjs/common';
import { SMS_OUTBOUND } from '@tuxhat/contracts';
import { LiveSubscriptions, defaultTopicsFor, type RetryPolicy } from '@tuxhat/messaging';
import { type ServiceRuntime, startConsumerService } from '@tuxhat/runtime';

/** Process options every connector's start function takes. */
export interface ConnectorProcessOptions {
  /**
   * Names this pod's carrier set when it holds some carriers only: its consumer group becomes
   * `<connector>.<shard>`. Every pod with the same carriers uses the same shard name.
   */
  readonly shard?: string;
  readonly logger?: LoggerService;
  readonly retryPolicy?: RetryPolicy;
  /** Close on SIGTERM/SIGINT (default true; all-in-one mode closes services itself). */
  readonly shutdownHooks?: boolean;
  /** Runs after the app closed (e.g. closing the database the runtime owns). */
  readonly onShutdown?: () => Promise<void>;
}

/**
 * Boots a connector as its consumer group, subscribed to exactly the outbound topics of the
 * carriers it holds (every lane of `sms.outbound.v1.<carrier>`), and to other topics as usual.
 * `moduleFor` gets the subscriptions that receive the transport, for the module's
 * connectorKitProviders: carriers added while the pod runs are consumed through them
 * (OutboundSubscriptions).
 */
export function startConnectorService(
  name: 'smpp-connector' | 'sns-connector',
  runtime: ServiceRuntime,
  moduleFor: (subscriptions: LiveSubscriptions) => DynamicModule,
  outboundTopics: readonly string[],
  options: ConnectorProcessOptions,
): Promise<INestMicroservice> {
  const subscriptions = new LiveSubscriptions();
  return startConsumerService({
    name,
    subscriptions,
    ...(options.shard ? { shard: options.shard } : {}),
    module: moduleFor(subscriptions),
    runtime,
    topicsFor: (pattern) =>
      pattern === SMS_OUTBOUND.name ? outboundTopics : defaultTopicsFor(pattern),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
    ...(options.shutdownHooks === undefined ? {} : { shutdownHooks: options.shutdownHooks }),
    ...(options.onShutdown ? { onShutdown: options.onShutdown } : {}),
  });
}
