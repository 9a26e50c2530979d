import type { Provider } from '@nestjs/common';
import { CLOCK, PRISMA, type ServiceRuntime } from '@tuxhat/runtime';

import {
  CARRIER_HEALTH_OPTIONS,
  CarrierHealthReporter,
  type CarrierHealthOptions,
  defaultInstanceId,
} from './carrier-health';
import { CONNECTOR_SOURCE, ConnectorReporter } from './connector-reporter';
import { OutboundBatches } from './outbound-batch';
import { RecentOutcomes } from './recent-outcomes';
import { REPLAY_GUARD_OPTIONS, ReplayGuard, type ReplayGuardOptions } from './replay-guard';

/** Messages a pod remembers having sent (replay detection before the database knows). */
export const RECENT_OUTCOMES_CAPACITY = 100_000;

export interface ConnectorKitOptions {
  /** The connector's name: sms.status / sms.reroute `source`. */
  readonly source: string;
  readonly runtime: ServiceRuntime;
  readonly health?: Partial<CarrierHealthOptions>;
}

/**
 * What every connector module provides: the runtime's database and clock, what the pod sent
 * recently, the replay guard, the reporter of outcomes, and carrier health.
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
  ];
}
