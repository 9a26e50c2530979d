import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';

import type { Bus } from './bus';
import { EVENT_CLIENT, EventPublisher } from './event-publisher';

class EventClientCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENT_CLIENT) private readonly client: ClientProxy) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

/** Gives a service's module an EventPublisher on the process's bus. */
@Module({})
export class MessagingModule {
  static forRoot(bus: Bus): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: EVENT_CLIENT, useFactory: () => bus.createClient() },
        EventPublisher,
        EventClientCloser,
      ],
      exports: [EVENT_CLIENT, EventPublisher],
    };
  }
}
