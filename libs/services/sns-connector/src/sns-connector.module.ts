import { type DynamicModule, Module } from '@nestjs/common';
import { connectorKitProviders } from '@tuxhat/connector-kit';
import { type LiveSubscriptions, MessagingModule } from '@tuxhat/messaging';
import type { ServiceRuntime } from '@tuxhat/runtime';

import { CarrierClients } from './carrier-clients.service';
import { DeliveryStatusCursors } from './delivery-status-cursors.repository';
import { DeliveryStatusPoller } from './delivery-status.poller';
import { OutboundConsumer } from './outbound.consumer';
import { SmsPublisher } from './sms-publisher.service';
import { InboundSmsPoller } from './inbound-sms.poller';
import { type SnsCarrier, loadSnsCarriers } from './sns-carrier.repository';
import {
  SNS_CARRIERS,
  SNS_CONNECTOR_OPTIONS,
  type SnsConnectorOptions,
} from './sns-connector.options';

/**
 * The SNS connector: publishes its carriers' outbound messages with AWS SNS, reports their
 * health, and turns their inbound SMS (SQS) and delivery statuses (CloudWatch Logs) into
 * events. Boot it with startSnsConnector, which also subscribes the pod to exactly its carriers'
 * outbound topics.
 */
@Module({})
export class SnsConnectorModule {
  /**
   * `carriers` are loaded from the database at boot unless the caller already did (pass them
   * as `loaded`, as startSnsConnector does, so topics and clients come from one read).
   */
  static forRoot(
    runtime: ServiceRuntime,
    options: SnsConnectorOptions,
    loaded?: readonly SnsCarrier[],
    /** The pod's transport (startConnectorService): carriers added while it runs are consumed. */
    subscriptions?: LiveSubscriptions,
  ): DynamicModule {
    return {
      module: SnsConnectorModule,
      imports: [MessagingModule.forRoot(runtime.bus)],
      controllers: [OutboundConsumer],
      providers: [
        ...connectorKitProviders({
          source: 'sns-connector',
          runtime,
          ...(options.health ? { health: options.health } : {}),
          ...(subscriptions ? { subscriptions } : {}),
        }),
        { provide: SNS_CONNECTOR_OPTIONS, useValue: options },
        loaded
          ? { provide: SNS_CARRIERS, useValue: loaded }
          : {
              provide: SNS_CARRIERS,
              useFactory: async () =>
                (await loadSnsCarriers(runtime.prisma, options.carriers)).carriers,
            },
        CarrierClients,
        SmsPublisher,
        InboundSmsPoller,
        DeliveryStatusCursors,
        DeliveryStatusPoller,
      ],
    };
  }
}
