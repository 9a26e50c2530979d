import { ConfigError } from '@tuxhat/config';

import { processHealth } from './health/health-checks';
import { StructuredLogger } from './logging/structured-logger';
import { METRICS } from './metrics/metric-names';
import { configureProcessMetrics, processMetrics } from './metrics/metrics';
import { type ObservabilityEnv, readObservabilityEnv, serviceNameOf } from './observability.config';
import { OpsServer } from './ops/ops-server';
import { startTracing } from './tracing/tracing';

export interface BootstrapOptions {
  /** Default: from the entry script (dist/apps/<service>/src/main.js). */
  readonly service?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export interface ObservabilityHandle {
  readonly service: string;
  readonly ops: OpsServer | null;
}

/**
 * What every process does before anything else (the preload module runs it): tracing started
 * (so the context manager and propagators exist before any work), process metrics configured,
 * and the ops endpoint listening (so a liveness probe answers while the service boots; its
 * readiness stays "starting" until runMain's main has resolved). A bad variable stops the
 * process with exit code 78, naming it, as every configuration error does.
 */
export function bootstrapObservability(options: BootstrapOptions = {}): ObservabilityHandle {
  const env = options.env ?? process.env;
  const service = options.service ?? serviceNameOf(process.argv[1]);
  let config: ObservabilityEnv;
  let exporters: readonly string[];
  try {
    config = readObservabilityEnv(env);
    exporters = startTracing({ serviceName: `tuxhat-${service}`, env }).exporters;
  } catch (error) {
    const message =
      error instanceof ConfigError
        ? error.message
        : `invalid configuration in environment:\n  - ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`${message}\n`);
    process.exit(78);
  }

  const logger = new StructuredLogger({
    service,
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT,
    redact: config.LOG_REDACT,
  });
  configureProcessMetrics({ defaultMetrics: true, tenantLabel: config.METRICS_TENANT_LABEL });
  processMetrics().set(METRICS.buildInfo, { service, version: config.TUXHAT_VERSION }, 1);
  logger.log(`tracing: spans exported to ${exporters.join(', ')}`, 'observability');

  let ops: OpsServer | null = null;
  if (config.OPS_ENABLED) {
    const host = config.OPS_HOST ?? (service === 'gateway' ? '127.0.0.1' : '0.0.0.0');
    ops = new OpsServer({
      host,
      port: config.OPS_PORT,
      metrics: processMetrics(),
      health: processHealth(),
    });
    ops.start().then(
      (url) =>
        logger.log(`ops endpoint on ${url}: /metrics /health/live /health/ready`, 'observability'),
      // Not fatal: several processes on one machine (development, tests) may share the default
      // port. In Kubernetes the probes then fail and say so.
      (error: unknown) =>
        logger.error(
          `ops endpoint not started on ${host}:${config.OPS_PORT} (set OPS_PORT): ${error instanceof Error ? error.message : String(error)}`,
          'observability',
        ),
    );
  }
  return { service, ops };
}
