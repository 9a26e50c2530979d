import type { CarrierHealthEvent } from '@tuxhat/contracts';

/**
 * healthy: some connector instance reported the carrier healthy and that report is still within
 * its ttlMs. unhealthy: reports were seen, but none healthy is live (every instance says down,
 * or every report expired: the connectors went silent). unknown: no report was ever seen, as on
 * a fresh install or for a carrier no connector serves yet; routing uses it like a healthy one.
 */
export type HealthState = 'healthy' | 'unhealthy' | 'unknown';

interface InstanceReport {
  readonly healthy: boolean;
  readonly reportedAt: number;
  readonly expiresAt: number;
}

/** Reports that expired this long ago are forgotten (instances come and go with restarts). */
const FORGET_AFTER_MS = 60 * 60_000;

/**
 * The latest health report of every (carrier, connector instance), and the state they add up
 * to. Pure: time comes in as an argument. Reports are applied by their own time, so an old one
 * read late (replay, reading the topic from its start) never overrides a newer one.
 */
export class HealthBoard {
  private readonly carriers = new Map<string, Map<string, InstanceReport>>();

  record(event: CarrierHealthEvent): void {
    const reportedAt = Date.parse(event.occurredAt);
    let instances = this.carriers.get(event.carrierId);
    if (!instances) {
      instances = new Map();
      this.carriers.set(event.carrierId, instances);
    }
    const previous = instances.get(event.instanceId);
    if (previous && previous.reportedAt > reportedAt) return;
    instances.set(event.instanceId, {
      healthy: event.healthy,
      reportedAt,
      expiresAt: reportedAt + event.ttlMs,
    });
    this.forgetOldReports(instances, reportedAt);
  }

  stateOf(carrierId: string, nowMs: number): HealthState {
    const instances = this.carriers.get(carrierId);
    if (!instances) return 'unknown';
    for (const report of instances.values()) {
      if (report.healthy && report.expiresAt > nowMs) return 'healthy';
    }
    return 'unhealthy';
  }

  /** Keeps the newest report even when old, so a carrier whose connectors all left stays unhealthy. */
  private forgetOldReports(instances: Map<string, InstanceReport>, nowMs: number): void {
    if (instances.size <= 1) return;
    for (const [instance, report] of instances) {
      if (report.expiresAt + FORGET_AFTER_MS < nowMs) instances.delete(instance);
    }
  }
}
