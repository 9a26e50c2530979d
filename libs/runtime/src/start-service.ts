import {
  type DynamicModule,
  Module,
  type INestApplicationContext,
  type LoggerService,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import type { ConsumerGroup } from '@tuxhat/contracts';
import { BusExceptionFilter, type LiveSubscriptions, type RetryPolicy } from '@tuxhat/messaging';
import { StructuredLogger, loggerOptionsFromEnv } from '@tuxhat/observability';

import { registerDatabaseCheck } from './database-health';
import type { ServiceRuntime } from './service-runtime';

export interface ConsumerServiceOptions {
  readonly name: ConsumerGroup | 'gateway';
  /**
   * A shard of the service with its own consumer group (`<name>.<shard>`) and retry topic:
   * connector pods that hold different carriers must not share a group (members of one
   * group are assigned partitions of the topics any member subscribed to).
   */
  readonly shard?: string;
  readonly module: DynamicModule;
  readonly runtime: ServiceRuntime;
  readonly topicsFor?: (pattern: string) => readonly string[];
  /** Receives the transport once made, for a module that adds topics while running. */
  readonly subscriptions?: LiveSubscriptions;
  readonly retryPolicy?: RetryPolicy;
  /** See TransportOptions.partitionsConsumedConcurrently (Kafka only). */
  readonly partitionsConsumedConcurrently?: number;
  readonly logger?: LoggerService;
  /** Runs after the app closed (e.g. closing the database the runtime owns). */
  readonly onShutdown?: () => Promise<void>;
  /**
   * Close on SIGTERM/SIGINT (default true). Off in all-in-one mode, where the gateway closes
   * its services in order itself (Nest re-raises the signal after closing one app).
   */
  readonly shutdownHooks?: boolean;
}

/**
 * Boots a service whose work arrives on the bus: its module's @EventPattern handlers run over
 * the runtime's transport (Kafka or in-process) as consumer group `name`.
 */
export async function startConsumerService(
  options: ConsumerServiceOptions,
): Promise<INestMicroservice> {
  // The readiness probe covers the database the service uses (shared, counted once).
  const releaseDatabaseCheck = registerDatabaseCheck(options.runtime.prisma);
  const onShutdown = async () => {
    releaseDatabaseCheck();
    await options.onShutdown?.();
  };
  const transport = options.runtime.bus.createTransport({
    group: consumerGroupOf(options.name, options.shard),
    topicsFor: options.topicsFor,
    retryPolicy: options.retryPolicy,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
  });
  options.subscriptions?.attach(transport);
  const app = await NestFactory.createMicroservice(withShutdown(options.module, onShutdown), {
    strategy: transport,
    logger: options.logger ?? createLogger(options.name),
    bufferLogs: false,
  });
  app.useGlobalFilters(new BusExceptionFilter());
  if (options.shutdownHooks ?? true) app.enableShutdownHooks();
  await app.listen();
  return app;
}

export function consumerGroupOf(name: string, shard?: string): string {
  return shard ? `${name}.${shard}` : name;
}

/** Wraps a service module so `onShutdown` runs when Nest shuts the app down (SIGTERM, close()). */
export function withShutdown(
  module: DynamicModule,
  onShutdown?: () => Promise<void>,
): DynamicModule {
  if (!onShutdown) return module;
  return {
    module: ShutdownHookModule,
    imports: [module],
    providers: [{ provide: SHUTDOWN_HOOK, useValue: { onApplicationShutdown: onShutdown } }],
  };
}

const SHUTDOWN_HOOK = Symbol('tuxhat:runtime:shutdown-hook');

@Module({})
class ShutdownHookModule {}

/**
 * Structured JSON logs, one line per entry, tagged with the service name and, while handling
 * an event or a request, its message id, tenant id and trace id; secrets and message text are
 * redacted (LOG_LEVEL, LOG_FORMAT=json|text, LOG_REDACT; see StructuredLogger).
 */
export function createLogger(service: string, env: NodeJS.ProcessEnv = process.env): LoggerService {
  return new StructuredLogger(loggerOptionsFromEnv(service, env));
}

export type ServiceApp = INestApplicationContext;
