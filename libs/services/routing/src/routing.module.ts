import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule } from '@tuxhat/messaging';
import { CLOCK, PRISMA, type ServiceRuntime } from '@tuxhat/runtime';

import { RoutingConfigService } from './config/routing-config.service';
import { CarrierHealthConsumer } from './health/carrier-health.consumer';
import { CarrierHealthBroadcastReader, ROUTING_BUS } from './health/carrier-health.reader';
import { CarrierHealthService } from './health/carrier-health.service';
import { RerouteDeduplicator } from './reroute-deduplicator';
import { RoutingConsumer } from './routing.consumer';
import { DEFAULT_ROUTING_OPTIONS, ROUTING_OPTIONS, type RoutingOptions } from './routing.options';
import { RoutingService } from './routing.service';

/** The routing service: picks the carrier for each accepted message and fails messages over. */
@Module({})
export class RoutingModule {
  static forRoot(runtime: ServiceRuntime, options: Partial<RoutingOptions> = {}): DynamicModule {
    // On Kafka the health topic is read by each replica's own consumer (carrier-health.reader.ts);
    // on the in-process bus the single instance's group gets every health event.
    const healthControllers = runtime.bus.kafkaPort() ? [] : [CarrierHealthConsumer];
    return {
      module: RoutingModule,
      imports: [MessagingModule.forRoot(runtime.bus)],
      // Health first: within one batch a consumer handles its topics in declaration order, so a
      // carrier reported down is skipped by the messages that arrive with the report.
      controllers: [...healthControllers, RoutingConsumer],
      providers: [
        { provide: PRISMA, useValue: runtime.prisma },
        { provide: CLOCK, useValue: runtime.clock },
        { provide: ROUTING_BUS, useValue: runtime.bus },
        { provide: ROUTING_OPTIONS, useValue: { ...DEFAULT_ROUTING_OPTIONS, ...options } },
        RoutingConfigService,
        CarrierHealthService,
        CarrierHealthBroadcastReader,
        RoutingService,
        RerouteDeduplicator,
      ],
    };
  }
}
