import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule } from '@tuxhat/messaging';
import { CLOCK, PRISMA, type ServiceRuntime } from '@tuxhat/runtime';

import { PolicyConsumer } from './policy.consumer';
import { PolicyService } from './policy.service';
import { TenantDirectory } from './tenant-directory';

/** The policy service: applies each tenant's usage policy to submitted messages. */
@Module({})
export class PolicyModule {
  static forRoot(runtime: ServiceRuntime): DynamicModule {
    return {
      module: PolicyModule,
      imports: [MessagingModule.forRoot(runtime.bus)],
      controllers: [PolicyConsumer],
      providers: [
        { provide: PRISMA, useValue: runtime.prisma },
        { provide: CLOCK, useValue: runtime.clock },
        TenantDirectory,
        PolicyService,
      ],
    };
  }
}
