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
import { z } from 'zod';

/** A carrier's state as this instance sees it right now. */
export interface CarrierHealthState {
  readonly healthy: boolean;
  readonly bindsUp: number;
  readonly bindsConfigured: number;
  readonly detail?: string;
}

export type CarrierHealthProbe = () => CarrierHealthState;

/**
 * submitted: submits sent to the carrier. errors: submits it refused or that failed, for any
 * reason. faults: those of the errors that are the carrier's (or the link's) fault, not the
 * message's: SMPP a part that ended as the classifier's failover kind (a retryable
 * command_status, a response timeout, the connection lost), SNS a transient error other than
 * throttling (5xx, unreachable, credentials). throttled: the carrier asked us to slow down.
 */
export type HealthCounter = 'submitted' | 'errors' | 'faults' | 'throttled';

/** When a carrier whose binds are up is reported unhealthy anyway: it keeps failing submits. */
export interface CarrierFaultRule {
  /** Submits, and faults, an interval needs at least before its faults count (default 10). */
  readonly minSubmits: number;
  /** Share of an interval's submits that must be faults, 0 < ratio <= 1 (default 0.5). */
  readonly faultRatio: number;
}

export const DEFAULT_CARRIER_FAULT_RULE: CarrierFaultRule = { minSubmits: 10, faultRatio: 0.5 };

export interface CarrierHealthOptions extends Partial<CarrierFaultRule> {
  /** This connector instance (pod), as carrier.health `instanceId`. */
  readonly instanceId: string;
  /** How often every carrier is reported even when nothing changed (default 5 000 ms). */
  readonly intervalMs?: number;
}

/** The fault rule's environment variables (both connectors, and the all-in-one gateway). */
export const carrierHealthEnvSchema = z.object({
  /** Fewer submits than this in an interval never make a carrier unhealthy. */
  CARRIER_HEALTH_MIN_SUBMITS: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(DEFAULT_CARRIER_FAULT_RULE.minSubmits),
  /** Share of an interval's submits that must have failed for the carrier's reasons. */
  CARRIER_HEALTH_FAULT_RATIO: z.coerce
    .number()
    .gt(0)
    .max(1)
    .default(DEFAULT_CARRIER_FAULT_RULE.faultRatio),
});

export function carrierFaultRuleOf(env: z.infer<typeof carrierHealthEnvSchema>): CarrierFaultRule {
  return {
    minSubmits: env.CARRIER_HEALTH_MIN_SUBMITS,
    faultRatio: env.CARRIER_HEALTH_FAULT_RATIO,
  };
}

/**
 * Whether an interval's submits say the carrier is failing: at least `minSubmits` submits, and
 * faults at least `minSubmits` and at least `faultRatio` of them.
 */
export function faultsTrip(
  counts: { readonly submitted: number; readonly faults: number },
  rule: CarrierFaultRule,
): boolean {
  return (
    counts.submitted >= rule.minSubmits &&
    counts.faults >= Math.max(rule.minSubmits, rule.faultRatio * counts.submitted)
  );
}

function validRule(options: Partial<CarrierFaultRule>): CarrierFaultRule {
  const rule = {
    minSubmits: options.minSubmits ?? DEFAULT_CARRIER_FAULT_RULE.minSubmits,
    faultRatio: options.faultRatio ?? DEFAULT_CARRIER_FAULT_RULE.faultRatio,
  };
  if (!Number.isInteger(rule.minSubmits) || rule.minSubmits < 1) {
    throw new RangeError(
      `carrier health minSubmits must be an integer >= 1, not ${rule.minSubmits}`,
    );
  }
  if (!(rule.faultRatio > 0 && rule.faultRatio <= 1)) {
    throw new RangeError(`carrier health faultRatio must be > 0 and <= 1, not ${rule.faultRatio}`);
  }
  return rule;
}

export const CARRIER_HEALTH_OPTIONS = Symbol('tuxhat:connector-kit:carrier-health');

/** The pod name on Kubernetes (HOSTNAME), else host name and process id. */
export function defaultInstanceId(env: NodeJS.ProcessEnv = process.env): string {
  return (env['HOSTNAME'] ?? `${hostname()}:${process.pid}`).slice(0, 128);
}

interface Tracked {
  readonly probe: CarrierHealthProbe;
  /** When the counters started (the last report, or the registration). */
  since: number;
  submitted: number;
  errors: number;
  faults: number;
  throttled: number;
}

/**
 * Publishes carrier.health.v1 for every carrier this instance serves: at once whenever a
 * connector says the carrier's state changed (a bind went up or down), and every interval in
 * any case with what was submitted, refused and throttled since the last report. Routing trusts
 * a report for `ttlMs` (three intervals), so a pod that dies stops vouching for its carriers.
 * A report that cannot be published is logged and the next one tries again.
 *
 * `healthy` is the connector's probe (a bind up, the account answering) unless the submits
 * since the last report trip the fault rule (faultsTrip): then the carrier is reported unhealthy
 * with the count in `detail` ("faults 19 of 20 submits in the last 5 s"), every report alike,
 * immediate or periodic. Every report starts the counters again, so when routing stops sending
 * to the carrier the next report has no submits and says healthy again: routing tries it once
 * more, a half-open probe each interval, and it trips again if it still fails.
 */
@Injectable()
export class CarrierHealthReporter implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('carrier-health');
  private readonly carriers = new Map<string, Tracked>();
  private readonly intervalMs: number;
  private readonly rule: CarrierFaultRule;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly publisher: EventPublisher,
    @Inject(CARRIER_HEALTH_OPTIONS) private readonly options: CarrierHealthOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.intervalMs = options.intervalMs ?? 5_000;
    this.rule = validRule(options);
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
    this.carriers.set(carrierId, {
      probe,
      since: this.clock.now().getTime(),
      submitted: 0,
      errors: 0,
      faults: 0,
      throttled: 0,
    });
  }

  /** Stops reporting the carrier (routing's last report of it expires after its ttlMs). */
  unregister(carrierId: string): void {
    this.carriers.delete(carrierId);
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
    tracked.since = Date.parse(event.occurredAt);
    tracked.submitted = 0;
    tracked.errors = 0;
    tracked.faults = 0;
    tracked.throttled = 0;
    try {
      await this.publisher.publish(CARRIER_HEALTH, event);
    } catch (error) {
      this.logger.warn(`carrier ${carrierId}: health report not published: ${String(error)}`);
    }
  }

  private eventOf(carrierId: string, tracked: Tracked): CarrierHealthEvent {
    const state = tracked.probe();
    const now = this.clock.now();
    const failing = faultsTrip(tracked, this.rule)
      ? `faults ${tracked.faults} of ${tracked.submitted} submits in the last ${seconds(now.getTime() - tracked.since)} s`
      : undefined;
    const detail = [failing, state.detail].filter(Boolean).join('; ');
    return {
      ...newEnvelope(now),
      carrierId,
      instanceId: this.options.instanceId,
      healthy: state.healthy && !failing,
      bindsUp: state.bindsUp,
      bindsConfigured: state.bindsConfigured,
      submitted: tracked.submitted,
      errors: tracked.errors,
      faults: tracked.faults,
      throttled: tracked.throttled,
      ttlMs: Math.max(1_000, this.intervalMs * 3),
      ...(detail ? { detail: detail.slice(0, 256) } : {}),
    };
  }
}

/** 5, 0.3, 12.5: a duration in seconds to one decimal. */
function seconds(ms: number): string {
  return String(Math.round(Math.max(0, ms) / 100) / 10);
}
