import {
  AggregatorRegistry,
  Counter,
  Gauge,
  Histogram,
  type Metric,
  type MetricObjectWithValues,
  type MetricValue,
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

/** A registry's metrics as data (what Metrics.snapshot gives): structured-clone safe. */
export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

/** Reads another thread's snapshot (over its MessagePort) when this registry is scraped. */
export type ThreadMetricsSource = () => Promise<MetricsSnapshot>;

/** Process-wide series (CPU, memory, handles): every thread reports the same ones. */
const PROCESS_WIDE = /^process_/;

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

/** A label set's series inside prom-client's Histogram (what its observe() updates). */
interface HistogramSeries {
  readonly labels: AnyLabels;
  readonly bucketValues: Record<number, number>;
  sum: number;
  count: number;
}

/**
 * A bound histogram's observations since it was last read, as bucket counts: a per-message
 * observation is a bucket search and two additions, not prom-client's label validation, hash
 * and closure. They reach the histogram's series when it is read (collect hook), exactly as
 * observe() would have put them there.
 */
class PendingObservations implements BoundHistogram {
  /** Observations per bucket (index of the first upper bound >= value); beyond the last: none. */
  readonly buckets: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: AnyLabels,
    readonly upperBounds: readonly number[],
  ) {
    this.buckets = new Float64Array(upperBounds.length);
  }

  observe(seconds: number): void {
    const value = seconds > 0 ? seconds : 0;
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${seconds}`);
    const bounds = this.upperBounds;
    let bucket = 0;
    while (bucket < bounds.length && value > bounds[bucket]) bucket++;
    if (bucket < bounds.length) this.buckets[bucket]++;
    this.sum += value;
    this.count++;
  }

  /** Adds the pending observations to the histogram's series of these labels. */
  flushInto(histogram: Histogram): void {
    if (this.count === 0) return;
    const series = seriesOf(histogram, this.labels);
    if (!series) return;
    for (let bucket = 0; bucket < this.upperBounds.length; bucket++) {
      if (this.buckets[bucket] === 0) continue;
      series.bucketValues[this.upperBounds[bucket]] += this.buckets[bucket];
      this.buckets[bucket] = 0;
    }
    series.sum += this.sum;
    series.count += this.count;
    this.sum = 0;
    this.count = 0;
  }
}

/** prom-client's own per-label-set state of a histogram (15.x: `hashMap`); undefined if not there. */
function seriesMapOf(histogram: Histogram): Record<string, HistogramSeries> | undefined {
  const map = (histogram as unknown as { hashMap?: unknown }).hashMap;
  return typeof map === 'object' && map !== null
    ? (map as Record<string, HistogramSeries>)
    : undefined;
}

function seriesOf(histogram: Histogram, labels: AnyLabels): HistogramSeries | undefined {
  const find = () =>
    Object.values(seriesMapOf(histogram) ?? {}).find((series) =>
      Object.keys(labels).every((name) => series.labels[name] === labels[name]),
    );
  const found = find();
  if (found) return found;
  histogram.zero(labels);
  return find();
}

/** Whether a series is shaped as PendingObservations adds to it (prom-client 15). */
function isSeriesOf(series: HistogramSeries | undefined, upperBounds: readonly number[]): boolean {
  return (
    series !== undefined &&
    typeof series.sum === 'number' &&
    typeof series.count === 'number' &&
    typeof series.bucketValues === 'object' &&
    upperBounds.length > 0 &&
    Object.keys(series.bucketValues).length === upperBounds.length &&
    upperBounds.every((bound) => typeof series.bucketValues[bound] === 'number')
  );
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
  /** Bound histograms by metric name, then by label values. */
  private readonly boundHistograms = new Map<string, Map<string, BoundHistogram>>();
  private readonly tenantLabel: boolean;
  /** Worker threads whose metrics /metrics also shows, by thread name. */
  private readonly threads = new Map<string, ThreadMetricsSource>();

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

  /**
   * A histogram's label set bound once, for code that observes per message: observations are
   * counted into buckets here and reach prom-client when the histogram is read. Binding the
   * same labels again gives the same handle.
   */
  boundHistogram<Label extends string>(
    definition: HistogramDefinition<Label>,
    labels: LabelValues<NoInfer<Label>>,
  ): BoundHistogram {
    const forMetric = this.boundHistograms.get(definition.name);
    if (!forMetric) throw new Error(`${definition.name} is not a histogram`);
    const resolved = { ...this.labelsOf(labels) };
    const key = definition.labels.map((label) => resolved[label]).join('\u0000');
    let handle = forMetric.get(key);
    if (!handle) {
      const histogram = this.instrument<Histogram>(definition);
      // seriesOf makes the series (at 0) if it has none: it shows as a bound counter's does.
      const upperBounds = [...(definition.buckets ?? [])];
      handle = isSeriesOf(seriesOf(histogram, resolved), upperBounds)
        ? new PendingObservations(resolved, upperBounds)
        : new BoundObservations(histogram, resolved);
      forMetric.set(key, handle);
    }
    return handle;
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

  /** The exposition text (what /metrics answers), with the merged threads' series. */
  async render(): Promise<string> {
    if (this.threads.size === 0) return this.registry.metrics();
    const snapshots = await Promise.all([
      this.snapshot(),
      ...[...this.threads].map(([thread, read]) => threadSeries(thread, read)),
    ]);
    // Series never collide (a thread's carry its `thread` label), so aggregating only merges.
    return AggregatorRegistry.aggregate(snapshots).metrics();
  }

  /** This registry's metrics as data: what a worker thread hands to mergeThread's source. */
  snapshot(): Promise<MetricsSnapshot> {
    return this.registry.getMetricsAsJSON();
  }

  /**
   * Shows a worker thread's metrics (its own registry: module state is per thread) in this
   * registry's /metrics, read from `read` at every scrape, each series labelled
   * `thread="<thread>"`. The thread's process_* series are left out: they measure the whole
   * process, which this registry reports already. Returns the function that stops merging.
   */
  mergeThread(thread: string, read: ThreadMetricsSource): () => void {
    this.threads.set(thread, read);
    return () => {
      if (this.threads.get(thread) === read) this.threads.delete(thread);
    };
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
      case 'histogram': {
        const bound = new Map<string, BoundHistogram>();
        this.boundHistograms.set(definition.name, bound);
        this.instruments.set(
          definition.name,
          new Histogram({
            ...common,
            buckets: [...(definition.buckets ?? [])],
            collect() {
              for (const handle of bound.values()) {
                if (handle instanceof PendingObservations) handle.flushInto(this);
              }
            },
          }),
        );
        return;
      }
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

/** A thread's series, labelled with it; none when it does not answer (the scrape still works). */
async function threadSeries(thread: string, read: ThreadMetricsSource): Promise<MetricsSnapshot> {
  let snapshot: MetricsSnapshot;
  try {
    snapshot = await read();
  } catch {
    return [];
  }
  return snapshot
    .filter((metric) => !PROCESS_WIDE.test(metric.name))
    .map((metric) => ({
      ...metric,
      values: metric.values.map((value) => ({ ...value, labels: { ...value.labels, thread } })),
    }));
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
