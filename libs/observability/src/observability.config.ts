import { ConfigError, envTypes, parseEnv } from '@tuxhat/config';
import { z } from 'zod';

import { LOG_LEVELS, type StructuredLoggerOptions } from './logging/structured-logger';

/** Default port of the ops endpoint (/metrics, /health/*): OpenTelemetry's Prometheus port. */
export const DEFAULT_OPS_PORT = 9464;

/**
 * The observability environment of every process. Tracing itself reads the standard OTEL_*
 * variables (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_EXPORTER, OTEL_TRACES_SAMPLER, ...).
 */
export const observabilityEnvSchema = z.object({
  /** Serve /metrics and /health/* (default true). */
  OPS_ENABLED: envTypes.boolean(true),
  /** Default 0.0.0.0; 127.0.0.1 for the all-in-one gateway (like its API). */
  OPS_HOST: z.string().min(1).optional(),
  OPS_PORT: envTypes.port(DEFAULT_OPS_PORT),
  /** false: the tenant label of message metrics is "-" (very many tenants). */
  METRICS_TENANT_LABEL: envTypes.boolean(true),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('log'),
  LOG_FORMAT: z.enum(['json', 'text']).default('json'),
  /** false shows secrets and message text in logs: for a developer's machine only. */
  LOG_REDACT: envTypes.boolean(true),
  /** The version in tuxhat_build_info (the image sets it). */
  TUXHAT_VERSION: z.string().min(1).default('dev'),
});
export type ObservabilityEnv = z.infer<typeof observabilityEnvSchema>;

export function readObservabilityEnv(env: NodeJS.ProcessEnv = process.env): ObservabilityEnv {
  return parseEnv(observabilityEnvSchema, env);
}

/** The logger settings of LOG_LEVEL, LOG_FORMAT and LOG_REDACT; invalid values fall back to defaults. */
export function loggerOptionsFromEnv(
  service: string,
  env: NodeJS.ProcessEnv = process.env,
): StructuredLoggerOptions {
  let parsed: ObservabilityEnv;
  try {
    parsed = readObservabilityEnv(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // The preload already stopped the process for a bad value; a library caller gets defaults.
    parsed = observabilityEnvSchema.parse({});
  }
  return { service, level: parsed.LOG_LEVEL, format: parsed.LOG_FORMAT, redact: parsed.LOG_REDACT };
}

/** `ingress` for dist/apps/ingress/src/main.js (and the .ts source); else the file's name. */
export function serviceNameOf(entry: string | undefined): string {
  const match = entry?.match(/(?:^|[\\/])apps[\\/]([^\\/]+)[\\/]src[\\/]main\.[cm]?[jt]s$/);
  if (match) return match[1];
  return (
    entry
      ?.split(/[\\/]/)
      .pop()
      ?.replace(/\.[cm]?[jt]s$/, '') || 'tuxhat'
  );
}
