import { ConsoleLogger, type DynamicModule, type INestApplicationContext, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import type { ConsumerGroup } from '@tuxhat/contracts';
import { BusExceptionFilter, type RetryPolicy } from '@tuxhat/messaging';

import type { ServiceRuntime } from './service-runtime';

export interface ConsumerServiceOptions {
  readonly name: ConsumerGroup;
  readonly module: DynamicModule;
  readonly runtime: ServiceRuntime;
  readonly topicsFor?: (pattern: string) => readonly string[];
  readonly retryPolicy?: RetryPolicy;
  readonly logger?: LoggerService;
}

/**
 * Boots a service whose work arrives on the bus: its module's @EventPattern handlers run over
 * the runtime's transport (Kafka or in-process) as consumer group `name`.
 */
export async function startConsumerService(options: ConsumerServiceOptions): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice(options.module, {
    strategy: options.runtime.bus.createTransport({
      group: options.name,
      topicsFor: options.topicsFor,
      retryPolicy: options.retryPolicy,
    }),
    logger: options.logger ?? createLogger(options.name),
    bufferLogs: false,
  });
  app.useGlobalFilters(new BusExceptionFilter());
  app.enableShutdownHooks();
  await app.listen();
  return app;
}

/** Structured JSON logs, one line per entry, tagged with the service name. */
export function createLogger(service: string): LoggerService {
  const level = process.env.LOG_LEVEL ?? 'log';
  const levels = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
  const upTo = levels.indexOf(level as (typeof levels)[number]);
  return new ConsoleLogger(service, {
    json: process.env.LOG_FORMAT !== 'text',
    logLevels: levels.slice(0, upTo < 0 ? 4 : upTo + 1),
  });
}

export type ServiceApp = INestApplicationContext;
