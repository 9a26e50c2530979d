import type { Provider } from '@nestjs/common';
import type { LiveSubscriptions } from '@tuxhat/messaging';
import { CLOCK, PRISMA, type ServiceRuntime } from '@tuxhat/runtime';

import {
  CARRIER_HEALTH_OPTIONS,
  CarrierHealthReporter,
  type CarrierHealthOptions,
  defaultInstanceId,
} from './carrier-health';
import { CONNECTOR_SOURCE, ConnectorReporter } from './connector-reporter';
import { OutboundBatches } from './outbound-batch';
import { OutboundSubscriptions } from './outbound-subscriptions';
import { RecentOutcomes } from './recent-outcomes';
import { REPLAY_GUARD_OPTIONS, ReplayGuard, type ReplayGuardOptions } from './replay-guard';

/** Messages a pod remembers having sent (replay detection before the database knows). */
export const RECENT_OUTCOMES_CAPACITY = 100_000;

export interface ConnectorKitOptions {
  /** The connector's name: sms.status / sms.reroute `source`. */
  readonly source: string;
  readonly runtime: ServiceRuntime;
  readonly health?: Partial<CarrierHealthOptions>;
  /** The pod's transport (startConnectorService): carriers added while it runs are consumed. */
  readonly subscriptions?: LiveSubscriptions;
}

/**
 * What every connector module provides: the runtime's database and clock, what the pod sent
 * recently, the replay guard, the reporter of outcomes, carrier health, and the subscriptions of
 * carriers added while it runs.
 */
export function connectorKitProviders(options: ConnectorKitOptions): Provider[] {
  return [
    { provide: PRISMA, useValue: options.runtime.prisma },
    { provide: CLOCK, useValue: options.runtime.clock },
    { provide: CONNECTOR_SOURCE, useValue: options.source },
    {
      provide: CARRIER_HEALTH_OPTIONS,
      useValue: {
        instanceId: options.health?.instanceId ?? defaultInstanceId(),
        ...(options.health?.intervalMs ? { intervalMs: options.health.intervalMs } : {}),
        ...(options.health?.minSubmits === undefined
          ? {}
          : { minSubmits: options.health.minSubmits }),
        ...(options.health?.faultRatio === undefined
          ? {}
          : { faultRatio: options.health.faultRatio }),
      } satisfies CarrierHealthOptions,
    },
    { provide: RecentOutcomes, useFactory: () => new RecentOutcomes(RECENT_OUTCOMES_CAPACITY) },
    {
      provide: REPLAY_GUARD_OPTIONS,
      useValue: {
        onlyHereSince:
          options.runtime.bus.kind === 'in-process' ? options.runtime.clock.now() : null,
      } satisfies ReplayGuardOptions,
    },
    ReplayGuard,
    ConnectorReporter,
    CarrierHealthReporter,
    OutboundBatches,
    {
      provide: OutboundSubscriptions,
      useValue: new OutboundSubscriptions(options.runtime.bus, options.subscriptions),
    },
  ];
}
