import {
  type DynamicModule,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { MessagingModule } from '@tuxhat/messaging';
import { CLOCK, PRISMA, type ServiceRuntime } from '@tuxhat/runtime';

import { DecisionPublisher } from './decision-publisher';
import { DeferredReleaser } from './deferred-releaser';
import { PolicyHousekeeping } from './housekeeping';
import { InFlightTracker } from './in-flight-tracker';
import { PolicyLedger } from './ledger/policy-ledger';
import { PolicyEngine } from './policy-engine';
import { PolicyConsumer } from './policy.consumer';
import { POLICY_OPTIONS, type PolicyOptions, resolvePolicyOptions } from './policy.options';
import { PRICE_QUOTER, type PriceQuoter } from './prepaid/price-quoter';
import { BillingPriceQuoter } from './prepaid/billing-price-quoter';
import { ReservationRetention } from './reservation-retention';
import { SuppressionRepository } from './suppression.repository';
import { TenantPolicies } from './tenant-policies';

/** Starts and stops the default price quoter's tariff snapshot with the module. */
class PriceQuoterLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(private readonly quoter: PriceQuoter) {}

  async onModuleInit(): Promise<void> {
    if (this.quoter instanceof BillingPriceQuoter) await this.quoter.start();
  }

  onApplicationShutdown(): void {
    if (this.quoter instanceof BillingPriceQuoter) this.quoter.stop();
  }
}

/**
 * The policy service: applies each tenant's usage policy to submitted messages (see
 * libs/services/policy/README.md for the rules, their reasons and the configuration).
 */
@Module({})
export class PolicyModule {
  static forRoot(runtime: ServiceRuntime, options: PolicyOptions = {}): DynamicModule {
    const resolved = resolvePolicyOptions(options);
    const quoter =
      resolved.priceQuoter ??
      new BillingPriceQuoter(runtime.prisma, resolved.currency, resolved.configPollMs);
    return {
      module: PolicyModule,
      imports: [MessagingModule.forRoot(runtime.bus)],
      controllers: [PolicyConsumer],
      providers: [
        { provide: PRISMA, useValue: runtime.prisma },
        { provide: CLOCK, useValue: runtime.clock },
        { provide: POLICY_OPTIONS, useValue: resolved },
        { provide: PRICE_QUOTER, useValue: quoter },
        { provide: PriceQuoterLifecycle, useFactory: () => new PriceQuoterLifecycle(quoter) },
        TenantPolicies,
        SuppressionRepository,
        PolicyLedger,
        PolicyEngine,
        DecisionPublisher,
        InFlightTracker,
        DeferredReleaser,
        PolicyHousekeeping,
        ReservationRetention,
      ],
      exports: [
        TenantPolicies,
        PolicyEngine,
        DeferredReleaser,
        PolicyHousekeeping,
        ReservationRetention,
      ],
    };
  }
}
