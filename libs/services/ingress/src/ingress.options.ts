import type { LoggerService } from '@nestjs/common';
import { ConfigError } from '@tuxhat/config';
import type { BusBacklog } from '@tuxhat/messaging';
import { retentionDaysOption, retentionMs } from '@tuxhat/runtime';
import { MAX_PARTS } from '@tuxhat/smpp';
import { z } from 'zod';

import type { ListenerTls } from './listener-tls';

/** What the ingress module itself needs (the listeners are startIngress's business). */
export interface IngressOptions {
  /** The most SMS parts one message may need (default 10; at most 255, the concatenation limit). */
  readonly maxParts?: number;
  /**
   * Ingress replicas sharing a tenant's reject-mode rate (env INGRESS_REPLICAS, default 1): each
   * replica's token bucket gets rate / replicas and burst / replicas. Assumes the load balancer
   * spreads a tenant's requests evenly.
   */
  readonly replicas?: number;
  /** How often the config revision is checked (default 1,000 ms): keys and rates follow within this. */
  readonly configPollMs?: number;
  /** How often `api_keys.last_used_at` is written (default 5,000 ms). */
  readonly keyUsageFlushMs?: number;
  /** How often idempotency keys older than 24 h are purged (default 600,000 ms). */
  readonly idempotencyPurgeMs?: number;
  /**
   * Days a final message is kept, with its history (env MESSAGE_RETENTION_DAYS, at least 8);
   * unset: for ever.
   */
  readonly messageRetentionDays?: number;
  /**
   * The in-memory bus's backlog (all-in-one mode): while it is full, new messages other than OTP
   * are committed parked and not published; the gateway's feeder publishes them later. Never
   * full by default (Kafka holds the backlog).
   */
  readonly backlog?: BusBacklog;
}

export const BUS_BACKLOG = Symbol('tuxhat:ingress:bus-backlog');

export interface StartIngressOptions extends IngressOptions {
  readonly httpHost: string;
  /** 0 picks a free port; the returned httpUrl carries the real one. */
  readonly httpPort: number;
  readonly grpcHost: string;
  /** 0 picks a free port; the returned grpcUrl carries the real one. */
  readonly grpcPort: number;
  /**
   * TLS on both listeners (readListenerTls reads it from INGRESS_TLS_*); with `clientCa`, tenants
   * may authenticate with a registered client certificate. Unset: plaintext.
   */
  readonly tls?: ListenerTls;
  /** Largest accepted REST body (default 65 536 bytes); larger answers 413 payload_too_large. */
  readonly bodyLimitBytes?: number;
  /** Largest accepted body of POST /v1/messages/batch (default 4 MiB). */
  readonly batchBodyLimitBytes?: number;
  readonly logger?: LoggerService;
  /**
   * The status projector's consumer group becomes `ingress.<shard>` (default `ingress`): a
   * test on a shared Kafka projects its own run's statuses without joining other runs' group.
   */
  readonly shard?: string;
  /**
   * Close on SIGTERM/SIGINT (default true). Off in all-in-one mode, where the gateway closes
   * its services in order itself.
   */
  readonly shutdownHooks?: boolean;
  /** Runs after the app closed (e.g. closing the database the runtime owns). */
  readonly onShutdown?: () => Promise<void>;
}

export type ResolvedIngressOptions = Omit<
  z.infer<typeof ingressOptionsSchema>,
  'messageRetentionDays'
> & {
  /** Null: messages are kept for ever. */
  readonly messageRetentionMs: number | null;
};

export const INGRESS_OPTIONS = Symbol('tuxhat:ingress:options');

const ingressOptionsSchema = z.object({
  maxParts: z.int().min(1).max(MAX_PARTS).default(10),
  replicas: z.int().min(1).max(1_000).default(1),
  configPollMs: z.int().min(50).max(60_000).default(1_000),
  keyUsageFlushMs: z.int().min(50).max(3_600_000).default(5_000),
  idempotencyPurgeMs: z.int().min(50).max(86_400_000).default(600_000),
  messageRetentionDays: retentionDaysOption,
});

const listenerOptionsSchema = z.object({
  httpHost: z.string().min(1),
  httpPort: z.int().min(0).max(65_535),
  grpcHost: z.string().min(1),
  grpcPort: z.int().min(0).max(65_535),
  bodyLimitBytes: z
    .int()
    .min(1_024)
    .max(16 * 1_024 * 1_024)
    .default(65_536),
  batchBodyLimitBytes: z
    .int()
    .min(1_024)
    .max(64 * 1_024 * 1_024)
    .default(4 * 1_024 * 1_024),
});

/** Checked at boot: a bad value stops the service with the option named. */
export function resolveIngressOptions(options: IngressOptions): ResolvedIngressOptions {
  const parsed = ingressOptionsSchema.safeParse({
    maxParts: options.maxParts,
    replicas: options.replicas,
    configPollMs: options.configPollMs,
    keyUsageFlushMs: options.keyUsageFlushMs,
    idempotencyPurgeMs: options.idempotencyPurgeMs,
    messageRetentionDays: options.messageRetentionDays,
  });
  if (!parsed.success) throw ConfigError.fromZod('ingress options', parsed.error);
  const { messageRetentionDays, ...rest } = parsed.data;
  return { ...rest, messageRetentionMs: retentionMs(messageRetentionDays) };
}

export function resolveListenerOptions(
  options: StartIngressOptions,
): z.infer<typeof listenerOptionsSchema> {
  const parsed = listenerOptionsSchema.safeParse({
    httpHost: options.httpHost,
    httpPort: options.httpPort,
    grpcHost: options.grpcHost,
    grpcPort: options.grpcPort,
    bodyLimitBytes: options.bodyLimitBytes,
    batchBodyLimitBytes: options.batchBodyLimitBytes,
  });
  if (!parsed.success) throw ConfigError.fromZod('ingress options', parsed.error);
  return parsed.data;
}
