import { randomBytes } from 'node:crypto';

import { type DynamicModule, Module } from '@nestjs/common';
import {
  CARRIER_HEALTH_OPTIONS,
  type CarrierHealthOptions,
  connectorKitProviders,
} from '@tuxhat/connector-kit';
import { type LiveSubscriptions, MessagingModule } from '@tuxhat/messaging';
import type { ServiceRuntime } from '@tuxhat/runtime';

import { BindLeases } from './bind-leases.repository';
import { CarrierSessions } from './carrier-sessions.service';
import { MessageSubmitter } from './message-submitter.service';
import { OutboundConsumer } from './outbound.consumer';
import { ReceiptIntake } from './receipt-intake';
import { type LoadedSmppCarriers, loadSmppCarriers } from './smpp-carrier.repository';
import {
  BIND_LEASES,
  SMPP_CARRIERS,
  SMPP_CONNECTOR_OPTIONS,
  type SmppConnectorOptions,
} from './smpp-connector.options';

/**
 * The SMPP connector: holds the binds of its carriers, submits their outbound messages, brings
 * back receipts and MOs, and reports carrier health. Boot it with startSmppConnector, which also
 * subscribes the pod to exactly its carriers' outbound topics.
 */
@Module({})
export class SmppConnectorModule {
  /**
   * `carriers` are loaded from the database at boot unless the caller already did (pass what
   * loadSmppCarriers read as `loaded`, as startSmppConnector does, so topics and binds come
   * from one read).
   * `subscriptions`: the pod's transport, through which carriers added while it runs are
   * consumed (startConnectorService attaches it); without it such a carrier is not served.
   */
  static forRoot(
    runtime: ServiceRuntime,
    options: SmppConnectorOptions,
    loaded?: LoadedSmppCarriers,
    subscriptions?: LiveSubscriptions,
  ): DynamicModule {
    return {
      module: SmppConnectorModule,
      imports: [MessagingModule.forRoot(runtime.bus)],
      controllers: [OutboundConsumer],
      providers: [
        ...connectorKitProviders({
          source: 'smpp-connector',
          runtime,
          ...(options.health ? { health: options.health } : {}),
          ...(subscriptions ? { subscriptions } : {}),
        }),
        { provide: SMPP_CONNECTOR_OPTIONS, useValue: options },
        {
          provide: BIND_LEASES,
          inject: [CARRIER_HEALTH_OPTIONS],
          useFactory: (health: CarrierHealthOptions) =>
            new BindLeases(
              runtime.prisma,
              `${health.instanceId}/${process.pid}/${randomBytes(3).toString('hex')}`,
              options.leases?.ttlMs,
            ),
        },
        loaded
          ? { provide: SMPP_CARRIERS, useValue: loaded }
          : {
              provide: SMPP_CARRIERS,
              useFactory: () => loadSmppCarriers(runtime.prisma, options.carriers),
            },
        ReceiptIntake,
        CarrierSessions,
        MessageSubmitter,
      ],
    };
  }
}
