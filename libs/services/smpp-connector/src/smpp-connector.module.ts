import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule } from '@tuxhat/messaging';
import { CLOCK, PRISMA, type ServiceRuntime } from '@tuxhat/runtime';

import { CarrierSessions } from './carrier-sessions.service';
import { MessageSubmitter } from './message-submitter.service';
import { OutboundConsumer } from './outbound.consumer';
import { ReceiptIntake } from './receipt-intake';
import { RecentSubmissions } from './recent-submissions';
import { ReplayGuard } from './replay-guard.repository';
import { type SmppCarrier, loadSmppCarriers } from './smpp-carrier.repository';
import {
  SMPP_CARRIERS,
  SMPP_CONNECTOR_OPTIONS,
  type SmppConnectorOptions,
} from './smpp-connector.options';

/** Messages a pod remembers having submitted (replay detection before the database knows). */
const RECENT_SUBMISSIONS = 100_000;

/**
 * The SMPP connector: holds the binds of its carriers, submits their outbound messages, and
 * brings back receipts and MOs. Boot it with startSmppConnector, which also subscribes the pod
 * to exactly its carriers' outbound topics.
 */
@Module({})
export class SmppConnectorModule {
  /**
   * `carriers` are loaded from the database at boot unless the caller already did (pass them
   * as `loaded`, as startSmppConnector does, so topics and binds come from one read).
   */
  static forRoot(
    runtime: ServiceRuntime,
    options: SmppConnectorOptions,
    loaded?: readonly SmppCarrier[],
  ): DynamicModule {
    return {
      module: SmppConnectorModule,
      imports: [MessagingModule.forRoot(runtime.bus)],
      controllers: [OutboundConsumer],
      providers: [
        { provide: PRISMA, useValue: runtime.prisma },
        { provide: CLOCK, useValue: runtime.clock },
        { provide: SMPP_CONNECTOR_OPTIONS, useValue: options },
        loaded
          ? { provide: SMPP_CARRIERS, useValue: loaded }
          : {
              provide: SMPP_CARRIERS,
              useFactory: async () =>
                (await loadSmppCarriers(runtime.prisma, options.carriers)).carriers,
            },
        { provide: RecentSubmissions, useFactory: () => new RecentSubmissions(RECENT_SUBMISSIONS) },
        ReplayGuard,
        ReceiptIntake,
        CarrierSessions,
        MessageSubmitter,
      ],
    };
  }
}
