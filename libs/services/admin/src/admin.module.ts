import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule } from '@tuxhat/messaging';
import type { ServiceRuntime } from '@tuxhat/runtime';

import { AdminCoreModule } from './core/admin-core.module';
import { ADMIN_FEATURES } from './features';

/**
 * The admin service: the operators' REST API over configuration (tenants, API keys, carriers,
 * and each feature's own), every change audited and applied to running services through the
 * config revision. Boot it with startAdmin, which adds the listener, error mapping and docs.
 */
@Module({})
export class AdminModule {
  static forRoot(runtime: ServiceRuntime): DynamicModule {
    return {
      module: AdminModule,
      imports: [
        AdminCoreModule.forRoot(runtime),
        // An EventPublisher for features that announce a change on the bus.
        MessagingModule.forRoot(runtime.bus),
        ...ADMIN_FEATURES,
      ],
    };
  }
}
