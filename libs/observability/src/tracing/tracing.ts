import { context, diag, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  envDetector,
  hostDetector,
  processDetector,
  serviceInstanceIdDetector,
} from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  AlwaysOffSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NoopSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  SimpleSpanProcessor,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

import { setUnsampledSpansDoNotRecord } from './trace-context';

export interface TracingOptions {
  /** service.name of every span (OTEL_SERVICE_NAME wins when set). */
  readonly serviceName: string;
  /**
   * Where spans go. Default: from the environment (see exportersFromEnv); tests pass an
   * in-memory exporter here.
   */
  readonly spanProcessors?: SpanProcessor[];
  readonly env?: NodeJS.ProcessEnv;
}

export interface TracingStarted {
  /** What the spans are exported to: `otlp`, `console`, or `none` (ids still propagate and appear in logs). */
  readonly exporters: readonly string[];
}

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry tracing for the process: W3C trace context propagation (OTEL_PROPAGATORS),
 * the async context that carries the active span across awaits, and a tracer provider whose
 * sampler follows OTEL_TRACES_SAMPLER (default: parent-based, always on while spans are
 * exported; see samplerFor).
 *
 * Export is off by default: spans are created (their ids travel in Kafka headers and appear in
 * log lines) but go nowhere until OTEL_EXPORTER_OTLP_ENDPOINT (or _TRACES_ENDPOINT) is set, or
 * OTEL_TRACES_EXPORTER says otlp / console. OTEL_SDK_DISABLED=true turns tracing off entirely.
 * Call it before anything else runs (the preload module does: @tuxhat/observability/register).
 */
export function startTracing(options: TracingOptions): TracingStarted {
  const env = options.env ?? process.env;
  if (sdk) return { exporters: [] };
  if (['true', '1'].includes((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase())) {
    return { exporters: ['disabled'] };
  }
  const fromEnv = options.spanProcessors ? undefined : exportersFromEnv(env);
  const processors = options.spanProcessors ?? fromEnv!.processors;
  const sampler = samplerFor(processors, env);
  sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || options.serviceName,
    // NodeSDK creates no tracer provider without a processor; ids must exist even unexported.
    spanProcessors: processors.length > 0 ? processors : [new NoopSpanProcessor()],
    sampler,
    // Metrics are Prometheus (prom-client), logs are JSON lines on stdout: neither goes via OTLP.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
    resourceDetectors: [envDetector, processDetector, hostDetector, serviceInstanceIdDetector],
  });
  sdk.start();
  setUnsampledSpansDoNotRecord(sampler !== undefined);
  return { exporters: fromEnv?.names ?? ['custom'] };
}

/**
 * Without a span processor nothing ever reads a span, so recording one (its attributes, events,
 * timings) is pure cost on every hop of every message: new traces start unsampled
 * (parent-based, root always off). Their spans are non-recording but still have trace and span
 * ids, which propagate through headers and appear in log lines; a caller's sampled trace is
 * still honoured. OTEL_TRACES_SAMPLER, when set, decides instead (undefined: the SDK reads it).
 */
export function samplerFor(
  processors: readonly SpanProcessor[],
  env: NodeJS.ProcessEnv,
): Sampler | undefined {
  if (processors.length > 0 || (env.OTEL_TRACES_SAMPLER ?? '').trim() !== '') return undefined;
  return new ParentBasedSampler({ root: new AlwaysOffSampler() });
}

/** Exports what is buffered (BatchSpanProcessor) and stops tracing; tests and process exit. */
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  if (!running) return;
  setUnsampledSpansDoNotRecord(false);
  await running.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
}

/** Pushes buffered spans out now (before a process exits on its own). Never throws. */
export async function flushTracing(): Promise<void> {
  const provider = trace.getTracerProvider();
  const delegate = (provider as { getDelegate?: () => unknown }).getDelegate?.() ?? provider;
  if (!(delegate instanceof TracerProvider)) return;
  try {
    await delegate.forceFlush();
  } catch (error) {
    diag.warn(`flushing spans failed: ${String(error)}`);
  }
}

/**
 * The span processors the environment asks for. OTEL_TRACES_EXPORTER (otlp, console, none;
 * comma-separated) when set; otherwise otlp when an OTLP endpoint is configured, else none.
 * The OTLP exporter (HTTP, JSON) reads OTEL_EXPORTER_OTLP_* itself (endpoint, headers, timeout).
 */
export function exportersFromEnv(env: NodeJS.ProcessEnv): {
  readonly names: string[];
  readonly processors: SpanProcessor[];
} {
  const configured = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const names = configured.length > 0 ? configured : endpoint ? ['otlp'] : ['none'];
  if (names.includes('none')) return { names: ['none'], processors: [] };
  const processors: SpanProcessor[] = [];
  for (const name of names) {
    if (name === 'otlp')
      processors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter() }));
    else if (name === 'console')
      processors.push(new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() }));
    else
      throw new Error(`OTEL_TRACES_EXPORTER: unknown exporter "${name}" (otlp, console or none)`);
  }
  return { names, processors };
}
