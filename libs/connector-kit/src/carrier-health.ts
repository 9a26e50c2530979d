import { hostname } from 'node:os';

import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { CARRIER_HEALTH, type CarrierHealthEvent, newEnvelope } from '@tuxhat/contracts';
import { EventPublisher } from '@tuxhat/messaging';
import { METRICS, processMetrics } from '@tuxhat/observability';
import { CLOCK, type Clock } from '@tuxhat/runtime';

/** A carrier's state as this instance sees it right now. */
export interface CarrierHealthState {
  readonly healthy: boolean;
  readonly bindsUp: number;
  readonly bindsConfigured: number;
  readonly detail?: string;
}

export type CarrierHealthProbe = () => CarrierHealthState;

export type HealthCounter = 'submitted' | 'errors' | 'throttled';

export interface CarrierHealthOptions {
  /** This connector instance (pod), as carrier.health `instanceId`. */
  readonly instanceId: string;
  /** How often every carrier is reported even when nothing changed (default 5 000 ms). */
  readonly intervalMs?: number;
}

export const CARRIER_HEALTH_OPTIONS = Symbol('tuxhat:connector-kit:carrier-health');

/** The pod name on Kubernetes (HOSTNAME), else host name and process id. */
export function defaultInstanceId(env: NodeJS.ProcessEnv = process.env): string {
  return (env['HOSTNAME'] ?? `${hostname()}:${process.pid}`).slice(0, 128);
}

interface Tracked {
  readonly probe: CarrierHealthProbe;
  submitted: number;
  errors: number;
  throttled: number;
}

/**
 * Publishes carrier.health.v1 for every carrier this instance serves: at once whenever a
 * connector says the carrier's state changed (a bind went up or down), and every interval in
 * any case with what was submitted, refused and throttled since the last report. Routing trusts
 * a report for `ttlMs` (three intervals), so a pod that dies stops vouching for its carriers.
 * A report that cannot be published is logged and the next one tries again.
 */
@Injectable()
export class CarrierHealthReporter implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('carrier-health');
  private readonly carriers = new Map<string, Tracked>();
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly publisher: EventPublisher,
    @Inject(CARRIER_HEALTH_OPTIONS) private readonly options: CarrierHealthOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.intervalMs = options.intervalMs ?? 5_000;
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.reportAll(), this.intervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  register(carrierId: string, probe: CarrierHealthProbe): void {
    this.carriers.set(carrierId, { probe, submitted: 0, errors: 0, throttled: 0 });
  }

  count(carrierId: string, counter: HealthCounter, n = 1): void {
    const tracked = this.carriers.get(carrierId);
    if (tracked) tracked[counter] += n;
    // The carrier asked us to slow down: tuxhat_carrier_submits_total{result="throttled"}.
    if (counter === 'throttled') {
      processMetrics().increment(
        METRICS.carrierSubmits,
        { carrier: carrierId, result: 'throttled' },
        n,
      );
    }
  }

  /** The carrier's state changed: report it now. Never throws. */
  changed(carrierId: string): Promise<void> {
    return this.report(carrierId);
  }

  /** Reports every carrier now. Never throws. */
  async reportAll(): Promise<void> {
    await Promise.all([...this.carriers.keys()].map((carrierId) => this.report(carrierId)));
  }

  /** The report the carrier would get now, without publishing it or resetting its counters. */
  snapshot(carrierId: string): CarrierHealthEvent | undefined {
    const tracked = this.carriers.get(carrierId);
    return tracked ? this.eventOf(carrierId, tracked) : undefined;
  }

  private async report(carrierId: string): Promise<void> {
    const tracked = this.carriers.get(carrierId);
    if (!tracked) return;
    const event = this.eventOf(carrierId, tracked);
    tracked.submitted = 0;
    tracked.errors = 0;
    tracked.throttled = 0;
    try {
      await this.publisher.publish(CARRIER_HEALTH, event);
    } catch (error) {
      this.logger.warn(`carrier ${carrierId}: health report not published: ${String(error)}`);
    }
  }

  private eventOf(carrierId: string, tracked: Tracked): CarrierHealthEvent {
    const state = tracked.probe();
    return {
      ...newEnvelope(this.clock.now()),
      carrierId,
      instanceId: this.options.instanceId,
      healthy: state.healthy,
      bindsUp: state.bindsUp,
      bindsConfigured: state.bindsConfigured,
      submitted: tracked.submitted,
      errors: tracked.errors,
      throttled: tracked.throttled,
      ttlMs: Math.max(1_000, this.intervalMs * 3),
      ...(state.detail ? { detail: state.detail.slice(0, 256) } : {}),
    };
  }
}
