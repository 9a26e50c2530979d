import type { DynamicModule, INestMicroservice, LoggerService } from '@nestjs/common';
import { SMS_OUTBOUND } from '@tuxhat/contracts';
import { type LiveSubscriptions, defaultTopicsFor, type RetryPolicy } from '@tuxhat/messaging';
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
 * `subscriptions` (the one given to the module's connectorKitProviders) gets the transport:
 * carriers added while the pod runs are consumed through it (OutboundSubscriptions).
 */
export function startConnectorService(
  name: 'smpp-connector' | 'sns-connector',
  runtime: ServiceRuntime,
  module: DynamicModule,
  outboundTopics: readonly string[],
  options: ConnectorProcessOptions,
  subscriptions: LiveSubscriptions,
): Promise<INestMicroservice> {
  return startConsumerService({
    name,
    subscriptions,
    ...(options.shard ? { shard: options.shard } : {}),
    module,
    runtime,
    topicsFor: (pattern) =>
      pattern === SMS_OUTBOUND.name ? outboundTopics : defaultTopicsFor(pattern),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
    ...(options.shutdownHooks === undefined ? {} : { shutdownHooks: options.shutdownHooks }),
    ...(options.onShutdown ? { onShutdown: options.onShutdown } : {}),
  });
}
