import {
  type HealthChecks,
  type HealthStatus,
  METRICS,
  type Metrics,
  processHealth,
  processMetrics,
} from '@tuxhat/observability';

/** When a connector pod is ready (SMPP_READY_WHEN): every carrier with a bind up, any, or regardless. */
export const READY_WHEN = ['all', 'any', 'always'] as const;
export type ReadyWhen = (typeof READY_WHEN)[number];

/** What the instruments read from an ESME client (EsmeClient has all of it). */
export interface InstrumentedBind {
  readonly state: string;
  readonly outstanding: number;
  readonly queued: number;
  /** EsmeClient's bound / unbound (with its `reason`) / reconnecting events. */
  on(event: 'bound' | 'unbound' | 'reconnecting', listener: (event: object) => void): unknown;
}

interface WatchedBind {
  readonly client: InstrumentedBind;
  readonly windowSize: number;
}

/**
 * The SMPP binds of a connector pod as operators see them: gauges read at scrape time per
 * carrier (binds up, window outstanding/queued/size, summed over the carrier's binds), bind
 * changes counted as they happen, and the readiness check `smpp binds`.
 */
export class BindInstruments {
  private readonly binds = new Map<string, WatchedBind[]>();
  private readonly stops: (() => void)[] = [];
  /** Every carrier the pod serves: one without a bound bind counts as down. */
  private readonly carriers: Set<string>;

  constructor(
    carriers: readonly string[],
    private readonly readyWhen: ReadyWhen = 'all',
    private readonly metrics: Metrics = processMetrics(),
    health: HealthChecks = processHealth(),
  ) {
    this.carriers = new Set(carriers);
    const perCarrier = (read: (bind: WatchedBind) => number) => () =>
      [...this.carriers].map(
        (carrier) =>
          [
            { carrier },
            (this.binds.get(carrier) ?? []).reduce((sum, bind) => sum + read(bind), 0),
          ] as const,
      );
    this.stops.push(
      metrics.source(
        METRICS.smppBindUp,
        perCarrier((bind) => (bind.client.state === 'bound' ? 1 : 0)),
      ),
      metrics.source(
        METRICS.smppWindowOutstanding,
        perCarrier((bind) => bind.client.outstanding),
      ),
      metrics.source(
        METRICS.smppWindowQueued,
        perCarrier((bind) => bind.client.queued),
      ),
      metrics.source(
        METRICS.smppWindowSize,
        perCarrier((bind) => bind.windowSize),
      ),
      health.register({ name: 'smpp binds', probes: ['readiness'], check: () => this.readiness() }),
    );
  }

  /** Follows one bind of `carrier` from now on. */
  watch(carrier: string, client: InstrumentedBind, windowSize: number): void {
    this.carriers.add(carrier);
    this.binds.set(carrier, [...(this.binds.get(carrier) ?? []), { client, windowSize }]);
    const count = (event: string) =>
      this.metrics.increment(METRICS.smppBindEvents, { carrier, event });
    client.on('bound', () => count('bound'));
    client.on('unbound', (event) => {
      if ((event as { reason?: unknown }).reason !== 'client-close') count('lost');
    });
    client.on('reconnecting', () => count('reconnecting'));
  }

  /**
   * Stops following the carrier's binds (replaced by new ones, which are watched next, or the
   * carrier disabled: then it no longer counts for readiness).
   */
  forget(carrier: string): void {
    this.carriers.delete(carrier);
    this.binds.delete(carrier);
  }

  readiness(): HealthStatus {
    return bindReadiness(
      [...this.carriers].map((carrier) => ({
        carrier,
        bindsUp: (this.binds.get(carrier) ?? []).filter((bind) => bind.client.state === 'bound')
          .length,
      })),
      this.readyWhen,
    );
  }

  /** Removes the gauges' sources and the readiness check (the pod is closing). */
  close(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}

/** The readiness of a connector pod from its carriers' bound binds, by SMPP_READY_WHEN. */
export function bindReadiness(
  carriers: readonly { readonly carrier: string; readonly bindsUp: number }[],
  readyWhen: ReadyWhen,
): HealthStatus {
  const down = carriers.filter((entry) => entry.bindsUp === 0).map((entry) => entry.carrier);
  const detail = down.length > 0 ? `no bind up: ${down.join(', ')}` : undefined;
  const ok =
    readyWhen === 'always' ||
    carriers.length === 0 ||
    (readyWhen === 'all' ? down.length === 0 : down.length < carriers.length);
  return detail ? { ok, detail } : { ok };
}
