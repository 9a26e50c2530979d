import { type DynamicModule, Module } from '@nestjs/common';
import { PRISMA, type ServiceRuntime } from '@tuxhat/runtime';

import { DeadLetterConsumer } from './dead-letter.consumer';

@Module({})
export class DeadLetterModule {
  static forRoot(runtime: ServiceRuntime): DynamicModule {
    return {
      module: DeadLetterModule,
      controllers: [DeadLetterConsumer],
      providers: [{ provide: PRISMA, useValue: runtime.prisma }],
    };
  }
}
