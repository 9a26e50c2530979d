import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule } from '@tuxhat/messaging';
import { PRISMA, type ServiceRuntime } from '@tuxhat/runtime';

import { RouteTable } from './route-table';
import { RoutingConsumer } from './routing.consumer';

/** The routing service: picks the carrier for each accepted message. */
@Module({})
export class RoutingModule {
  static forRoot(runtime: ServiceRuntime): DynamicModule {
    return {
      module: RoutingModule,
      imports: [MessagingModule.forRoot(runtime.bus)],
      controllers: [RoutingConsumer],
      providers: [{ provide: PRISMA, useValue: runtime.prisma }, RouteTable],
    };
  }
}
