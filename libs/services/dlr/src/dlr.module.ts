import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule } from '@tuxhat/messaging';
import { PRISMA, type ServiceRuntime } from '@tuxhat/runtime';

import { CorrelationRepository } from './correlation.repository';
import { DlrConsumer } from './dlr.consumer';

/** The dlr service: turns carrier acknowledgements and receipts into message statuses. */
@Module({})
export class DlrModule {
  static forRoot(runtime: ServiceRuntime): DynamicModule {
    return {
      module: DlrModule,
      imports: [MessagingModule.forRoot(runtime.bus)],
      controllers: [DlrConsumer],
      providers: [{ provide: PRISMA, useValue: runtime.prisma }, CorrelationRepository],
    };
  }
}
