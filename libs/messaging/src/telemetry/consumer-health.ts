import {
  type HealthChecks,
  type HealthStatus,
  METRICS,
  type Metrics,
  processHealth,
  processMetrics,
} from '@tuxhat/observability';

type State = 'starting' | 'running' | 'draining' | 'stopped';

/**
 * How a transport's consumer group shows in the probes and metrics of its process:
 *   readiness `bus consumer <group>`        ok while consuming (not while starting or draining)
 *   liveness  `bus consumer <group> alive`  fails only when the client gave up (a crash it does
 *                                           not restart from): restarting the pod is the cure
 *   tuxhat_bus_consumer_up{group}           1 while consuming
 */
export class ConsumerHealth {
  private state: State = 'starting';
  private unregister: (() => void)[] = [];

  constructor(
    private readonly group: string,
    /** The client's own view (crashed consumer, failing producer); ok when it has none. */
    private readonly clientHealth: () => HealthStatus = () => ({ ok: true }),
    private readonly health: HealthChecks = processHealth(),
    private readonly metrics: Metrics = processMetrics(),
  ) {}

  starting(): void {
    this.state = 'starting';
    this.metrics.set(METRICS.busConsumerUp, { group: this.group }, 0);
    if (this.unregister.length > 0) return;
    this.unregister = [
      this.health.register({
        name: `bus consumer ${this.group}`,
        probes: ['readiness'],
        check: () => this.readiness(),
      }),
      this.health.register({
        name: `bus consumer ${this.group} alive`,
        probes: ['liveness'],
        check: () => this.clientHealth(),
      }),
    ];
  }

  running(): void {
    this.state = 'running';
    this.metrics.set(METRICS.busConsumerUp, { group: this.group }, 1);
  }

  /** Shutdown began: no longer ready, whatever is in hand is being finished. */
  draining(): void {
    this.state = 'draining';
    this.metrics.set(METRICS.busConsumerUp, { group: this.group }, 0);
  }

  stopped(): void {
    this.state = 'stopped';
    this.metrics.set(METRICS.busConsumerUp, { group: this.group }, 0);
    for (const unregister of this.unregister) unregister();
    this.unregister = [];
  }

  private readiness(): HealthStatus {
    if (this.state !== 'running') return { ok: false, detail: this.state };
    return this.clientHealth();
  }
}
