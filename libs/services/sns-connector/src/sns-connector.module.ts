import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule } from '@tuxhat/messaging';
import { PRISMA, type ServiceRuntime } from '@tuxhat/runtime';

import { CarrierClients } from './carrier-clients.service';
import { OutboundConsumer } from './outbound.consumer';
import { RecentPublishes } from './recent-publishes';
import { ReplayGuard } from './replay-guard.repository';
import { type SnsCarrier, loadSnsCarriers } from './sns-carrier.repository';
import {
  SNS_CARRIERS,
  SNS_CONNECTOR_OPTIONS,
  type SnsConnectorOptions,
} from './sns-connector.options';
import { SmsPublisher } from './sms-publisher.service';

/** Messages a pod remembers having published (replay detection before the database knows). */
const RECENT_PUBLISHES = 100_000;

/**
 * The SNS connector: publishes its carriers' outbound messages with AWS SNS. Boot it with
 * startSnsConnector, which also subscribes the pod to exactly its carriers' outbound topics.
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
  ): DynamicModule {
    return {
      module: SnsConnectorModule,
      imports: [MessagingModule.forRoot(runtime.bus)],
      controllers: [OutboundConsumer],
      providers: [
        { provide: PRISMA, useValue: runtime.prisma },
        { provide: SNS_CONNECTOR_OPTIONS, useValue: options },
        loaded
          ? { provide: SNS_CARRIERS, useValue: loaded }
          : {
              provide: SNS_CARRIERS,
              useFactory: async () =>
                (await loadSnsCarriers(runtime.prisma, options.carriers)).carriers,
            },
        { provide: RecentPublishes, useFactory: () => new RecentPublishes(RECENT_PUBLISHES) },
        ReplayGuard,
        CarrierClients,
        SmsPublisher,
      ],
    };
  }
}
