import {
  Counter,
  Gauge,
  Histogram,
  type Metric,
  Registry,
  collectDefaultMetrics,
} from 'prom-client';

import {
  type CounterDefinition,
  type GaugeDefinition,
  type HistogramDefinition,
  type LabelValues,
  METRICS,
  type MetricDefinition,
  type MetricKind,
  TENANT_LABEL_HIDDEN,
} from './metric-names';

export interface MetricsOptions {
  /** prom-client's process and Node.js metrics (process_*, nodejs_*). */
  readonly defaultMetrics?: boolean;
  /** false: every `tenant` label is "-" (bounded series with very many tenants). */
  readonly tenantLabel?: boolean;
}

/** A reading of a sourced gauge: its labels and value at scrape time. */
export type GaugeSample<Label extends string> = readonly [LabelValues<Label>, number];

type AnyLabels = Record<string, string>;

/** One label set of a counter, bound once (Metrics.boundCounter): for code on the hot path. */
export interface BoundCounter {
  inc(by?: number): void;
}

/** One label set of a histogram, bound once (Metrics.boundHistogram). */
export interface BoundHistogram {
  observe(seconds: number): void;
}

/**
 * A bound counter's increments since the counter was last read: a per-message increment is an
 * addition, not a label hash and lookup in prom-client; they reach the counter when it is read
 * (its collect hook, on every scrape and valueOf).
 */
class PendingCount implements BoundCounter {
  pending = 0;

  constructor(readonly labels: AnyLabels) {}

  inc(by = 1): void {
    if (!(by >= 0) || !Number.isFinite(by)) {
      throw new Error(`a counter only goes up by a finite amount, not ${by}`);
    }
    this.pending += by;
  }
}

class BoundObservations implements BoundHistogram {
  constructor(
    private readonly histogram: Histogram,
    private readonly labels: AnyLabels,
  ) {}

  observe(seconds: number): void {
    this.histogram.observe(this.labels, seconds > 0 ? seconds : 0);
  }
}

/**
 * The process's Prometheus metrics, recorded by their definitions in metric-names.ts. Every
 * defined metric is registered up front, so /metrics always lists the full set (a dashboard
 * shows 0, not "no data", for a counter that has not moved yet).
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly instruments = new Map<string, Metric>();
  private readonly gaugeSources = new Map<string, Set<() => Iterable<GaugeSample<string>>>>();
  /** Gauges that have had a source: rebuilt from their sources (possibly none left) on scrape. */
  private readonly sourced = new Set<string>();
  /** Bound counters by metric name, then by label values. */
  private readonly bound = new Map<string, Map<string, PendingCount>>();
  private readonly tenantLabel: boolean;

  constructor(options: MetricsOptions = {}) {
    this.tenantLabel = options.tenantLabel ?? true;
    for (const definition of Object.values(METRICS)) this.register(definition);
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  increment<Label extends string>(
    definition: CounterDefinition<Label>,
    labels: LabelValues<NoInfer<Label>>,
    by = 1,
  ): void {
    this.instrument<Counter>(definition).inc(this.labelsOf(labels), by);
  }

  observe<Label extends string>(
    definition: HistogramDefinition<Label>,
    labels: LabelValues<NoInfer<Label>>,
    seconds: number,
  ): void {
    this.instrument<Histogram>(definition).observe(this.labelsOf(labels), Math.max(0, seconds));
  }

  /**
   * A counter's label set bound once, for code that counts per message: keep the handle (one
   * per label set, e.g. per topic) and call inc(). Binding the same labels again gives the same
   * handle.
   */
  boundCounter<Label extends string>(
    definition: CounterDefinition<Label>,
    labels: LabelValues<NoInfer<Label>>,
  ): BoundCounter {
    const forMetric = this.bound.get(definition.name);
    if (!forMetric) throw new Error(`${definition.name} is not a counter`);
    const resolved = this.labelsOf(labels);
    const key = definition.labels.map((label) => resolved[label]).join('\u0000');
    let handle = forMetric.get(key);
    if (!handle) {
      // Validates the labels now (not at the next scrape) and shows the series at 0.
      this.instrument<Counter>(definition).inc(resolved, 0);
      handle = new PendingCount({ ...resolved });
      forMetric.set(key, handle);
    }
    return handle;
  }

  /** A histogram's label set bound once (no label object per observation). */
  boundHistogram<Label extends string>(
    definition: HistogramDefinition<Label>,
    labels: LabelValues<NoInfer<Label>>,
  ): BoundHistogram {
    return new BoundObservations(this.instrument<Histogram>(definition), {
      ...this.labelsOf(labels),
    });
  }

  set<Label extends string>(
    definition: GaugeDefinition<Label>,
    labels: LabelValues<NoInfer<Label>>,
    value: number,
  ): void {
    this.instrument<Gauge>(definition).set(this.labelsOf(labels), value);
  }

  /** Drops one label set of a gauge (e.g. a consumer group this process no longer runs). */
  remove<Label extends string>(
    definition: GaugeDefinition<Label>,
    labels: LabelValues<NoInfer<Label>>,
  ): void {
    this.instrument<Gauge>(definition).remove(this.labelsOf(labels));
  }

  /**
   * Reads a gauge at scrape time from `read` (e.g. an SMPP window's occupancy) instead of being
   * set. A gauge with sources is rebuilt from them on every scrape, so a source that is gone
   * leaves no stale series (a gauge is either set or sourced, never both). Returns the function
   * that removes the source.
   */
  source<Label extends string>(
    definition: GaugeDefinition<Label>,
    read: () => Iterable<GaugeSample<NoInfer<Label>>>,
  ): () => void {
    const sources = this.gaugeSources.get(definition.name);
    if (!sources) throw new Error(`${definition.name} is not a gauge`);
    const source = read as () => Iterable<GaugeSample<string>>;
    sources.add(source);
    this.sourced.add(definition.name);
    return () => sources.delete(source);
  }

  /** The exposition text (what /metrics answers). */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Current value of a counter or gauge label set (histograms: the observation count); tests. */
  async valueOf<Label extends string>(
    definition: MetricDefinition<MetricKind, Label>,
    labels: Partial<LabelValues<NoInfer<Label>>> = {},
  ): Promise<number> {
    const wanted = this.labelsOf(labels as AnyLabels);
    const { values } = await this.instrument(definition).get();
    const sampleName = definition.kind === 'histogram' ? `${definition.name}_count` : undefined;
    return values
      .filter(
        (value) => !sampleName || (value as { metricName?: string }).metricName === sampleName,
      )
      .filter((value) =>
        Object.entries(wanted).every(([key, expected]) => value.labels[key] === expected),
      )
      .reduce((sum, value) => sum + value.value, 0);
  }

  private labelsOf(labels: AnyLabels): AnyLabels {
    if (this.tenantLabel || !('tenant' in labels)) return labels;
    return { ...labels, tenant: TENANT_LABEL_HIDDEN };
  }

  private instrument<T extends Metric>(definition: MetricDefinition<MetricKind, string>): T {
    const instrument = this.instruments.get(definition.name);
    if (!instrument) throw new Error(`metric ${definition.name} is not defined in METRICS`);
    return instrument as T;
  }

  private register(definition: MetricDefinition<MetricKind, string>): void {
    const common = {
      name: definition.name,
      help: definition.help,
      labelNames: [...definition.labels],
      registers: [this.registry],
    };
    switch (definition.kind) {
      case 'counter': {
        const pending = new Map<string, PendingCount>();
        this.bound.set(definition.name, pending);
        this.instruments.set(
          definition.name,
          new Counter({
            ...common,
            collect() {
              for (const handle of pending.values()) {
                if (handle.pending === 0) continue;
                this.inc(handle.labels, handle.pending);
                handle.pending = 0;
              }
            },
          }),
        );
        return;
      }
      case 'histogram':
        this.instruments.set(
          definition.name,
          new Histogram({ ...common, buckets: [...(definition.buckets ?? [])] }),
        );
        return;
      case 'gauge': {
        const sources = new Set<() => Iterable<GaugeSample<string>>>();
        this.gaugeSources.set(definition.name, sources);
        const sourced = this.sourced;
        const name = definition.name;
        this.instruments.set(
          definition.name,
          new Gauge({
            ...common,
            collect() {
              if (!sourced.has(name)) return;
              this.reset();
              for (const read of sources) {
                for (const [labels, value] of read()) this.set(labels, value);
              }
            },
          }),
        );
        return;
      }
    }
  }
}

let processOptions: MetricsOptions = {};
let shared: Metrics | undefined;

/**
 * The metrics of this process: one registry for every service it runs (all-in-one mode runs
 * them all), served by the ops server. Framework code records here; domain code gets it
 * injected (MessagingModule provides it as `Metrics`).
 */
export function processMetrics(): Metrics {
  shared ??= new Metrics(processOptions);
  return shared;
}

/** Options of processMetrics(); takes effect only before its first use (the preload sets it). */
export function configureProcessMetrics(options: MetricsOptions): void {
  processOptions = options;
}
