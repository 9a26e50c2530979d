import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CLOCK, PRISMA, type ServiceRuntime } from '@tuxhat/runtime';

import { AdminAuthGuard } from './admin-auth.guard';
import { AdminChanges } from './admin-changes';
import { AdminKeyAuthenticator } from './admin-key.authenticator';
import { HealthController } from './health.controller';
import { CARRIER_TOPICS, type CreateCarrierTopics, KAFKA_AVAILABLE } from './kafka-available';

/**
 * What every admin feature module gets without importing anything (global): PRISMA, CLOCK,
 * AdminChanges (audited, revision-bumping transactions), KAFKA_AVAILABLE (whether the gateway
 * runs on Kafka), CARRIER_TOPICS (a new carrier's topics on Kafka, or null); and what every
 * route gets: the admin key guard (APP_GUARD, so no controller can forget it; opt out with
 * @PublicRoute()).
 */
@Module({})
export class AdminCoreModule {
  static forRoot(runtime: ServiceRuntime): DynamicModule {
    const carrierTopics: CreateCarrierTopics | null =
      runtime.bus.kind === 'kafka'
        ? (carrierId) => runtime.bus.createOutboundTopics(carrierId)
        : null;
    return {
      module: AdminCoreModule,
      global: true,
      controllers: [HealthController],
      providers: [
        { provide: PRISMA, useValue: runtime.prisma },
        { provide: CLOCK, useValue: runtime.clock },
        { provide: KAFKA_AVAILABLE, useValue: runtime.bus.kafkaPort() !== null },
        { provide: CARRIER_TOPICS, useValue: carrierTopics },
        AdminKeyAuthenticator,
        AdminChanges,
        { provide: APP_GUARD, useClass: AdminAuthGuard },
      ],
      exports: [PRISMA, CLOCK, KAFKA_AVAILABLE, CARRIER_TOPICS, AdminChanges],
    };
  }
}
