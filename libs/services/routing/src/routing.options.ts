import { hostname } from 'node:os';

import { envTypes, parseEnv } from '@tuxhat/config';
import { z } from 'zod';

export interface RoutingOptions {
  /** Attempts per message, the first included, before a reroute gives up (default 3). */
  readonly maxAttempts: number;
  /** See RouterOptions.lastResortUnhealthy (default true). */
  readonly lastResortUnhealthy: boolean;
  /**
   * How long a message waits for a carrier when every carrier it may use failed to take it
   * without reaching it (no bind up, the link down), counted from its acceptance; its validity
   * ends the wait sooner. It is then `expired`. 0: such a message fails at once.
   */
  readonly carrierWaitMs: number;
  /** The first look for a carrier back; later looks back off, up to 12 times this (ms). */
  readonly carrierRetryMs: number;
  /** How often the config revision is polled, ms (default 1000). */
  readonly configPollMs: number;
  /**
   * Names this replica's own consumer of carrier.health.v1 (group `routing-health.<id>`):
   * every replica must see every carrier's health. Default `<hostname>-<pid>`, stable per pod.
   */
  readonly instanceId: string;
}

export const ROUTING_OPTIONS = Symbol('tuxhat:routing:options');

export const DEFAULT_ROUTING_OPTIONS: RoutingOptions = {
  maxAttempts: 3,
  lastResortUnhealthy: true,
  carrierWaitMs: 48 * 3_600_000,
  carrierRetryMs: 5_000,
  configPollMs: 1_000,
  instanceId: defaultInstanceId(),
};

/** How routing waits out a carrier outage: also read by the all-in-one gateway. */
export const carrierWaitEnvSchema = z.object({
  ROUTING_CARRIER_WAIT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(30 * 24 * 3_600_000)
    .default(DEFAULT_ROUTING_OPTIONS.carrierWaitMs),
  ROUTING_CARRIER_RETRY_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(DEFAULT_ROUTING_OPTIONS.carrierRetryMs),
});

export function carrierWaitOptionsOf(
  env: z.infer<typeof carrierWaitEnvSchema>,
): Pick<RoutingOptions, 'carrierWaitMs' | 'carrierRetryMs'> {
  return {
    carrierWaitMs: env.ROUTING_CARRIER_WAIT_MS,
    carrierRetryMs: env.ROUTING_CARRIER_RETRY_MS,
  };
}

/** The routing service's environment (cluster mode). */
export const routingEnvSchema = z.object({
  ...carrierWaitEnvSchema.shape,
  ROUTING_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  ROUTING_LAST_RESORT_UNHEALTHY: envTypes.boolean(true),
  ROUTING_CONFIG_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  ROUTING_INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, dot, dash, underscore')
    .optional(),
});

export function routingOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RoutingOptions {
  const parsed = parseEnv(routingEnvSchema, env);
  return {
    maxAttempts: parsed.ROUTING_MAX_ATTEMPTS,
    lastResortUnhealthy: parsed.ROUTING_LAST_RESORT_UNHEALTHY,
    ...carrierWaitOptionsOf(parsed),
    configPollMs: parsed.ROUTING_CONFIG_POLL_MS,
    instanceId: parsed.ROUTING_INSTANCE_ID ?? defaultInstanceId(),
  };
}

function defaultInstanceId(): string {
  return `${hostname()}-${process.pid}`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 100);
}
