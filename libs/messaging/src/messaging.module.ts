import {
  type DynamicModule,
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { Metrics, flushTracing, processHealth, processMetrics } from '@tuxhat/observability';

import type { Bus } from './bus';
import { EVENT_CLIENT, EventPublisher } from './event-publisher';
import { isHealthReporting } from './health-reporting';

/**
 * Connects the service's producer at boot (a gateway that cannot reach Kafka fails its boot,
 * as the consumer does, instead of failing the first request), reports its health to the
 * readiness probe, and on shutdown flushes what is still buffered (events, then spans).
 */
class EventClientLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private unregister: (() => void) | undefined;

  constructor(@Inject(EVENT_CLIENT) private readonly client: ClientProxy) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.client.connect();
    const client = this.client;
    if (isHealthReporting(client)) {
      this.unregister = processHealth().register({
        name: 'bus producer',
        probes: ['readiness'],
        check: () => client.health(),
      });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.unregister?.();
    await this.client.close();
    await flushTracing();
  }
}

/**
 * Gives a service's module an EventPublisher on the process's bus, and the process's Metrics
 * (domain code injects `Metrics` to record the metrics of metric-names.ts).
 */
@Module({})
export class MessagingModule {
  static forRoot(bus: Bus): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: EVENT_CLIENT, useFactory: () => bus.createClient() },
        { provide: Metrics, useFactory: () => processMetrics() },
        EventPublisher,
        EventClientLifecycle,
      ],
      exports: [EVENT_CLIENT, EventPublisher, Metrics],
    };
  }
}
