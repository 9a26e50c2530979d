import { ConfigError, parseEnv } from '@tuxhat/config';
import { createDatabase } from '@tuxhat/database';
import { Bus } from '@tuxhat/messaging';
import { flushTracing, processHealth } from '@tuxhat/observability';
import { z } from 'zod';

import { registerDatabaseCheck } from './database-health';
import { kafkaEnvSchema } from './kafka-connection';
import { KafkaCredentialFiles } from './kafka-credential-files';
import { kafkaTopicsEnvSchema, topicSettingsOf } from './kafka-topics-env';
import { type ServiceRuntime, systemClock } from './service-runtime';
import { createLogger } from './start-service';

/** Environment every cluster-mode service reads. */
export const clusterEnvSchema = z.object({
  ...kafkaEnvSchema.shape,
  ...kafkaTopicsEnvSchema.shape,
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgresql:// URL'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** How often each consumer reads its group's lag from the brokers (ms; 0: never). */
  KAFKA_LAG_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(15_000),
  /** How often the Kafka credential files are read again for renewals (ms; 0: never). */
  KAFKA_CREDENTIALS_CHECK_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
});

export interface ClosableRuntime extends ServiceRuntime {
  readonly close: () => Promise<void>;
}

/** The runtime of one service process in cluster mode: Kafka bus, PostgreSQL. */
export async function createClusterRuntime(
  service: string,
  env = process.env,
): Promise<ClosableRuntime> {
  const config = parseEnv(clusterEnvSchema, env);
  const kafkaLogger = createLogger(`${service}/kafka`);
  const credentials = new KafkaCredentialFiles(config, `tuxhat-${service}`, {
    intervalMs: config.KAFKA_CREDENTIALS_CHECK_MS,
    logger: kafkaLogger,
  });
  const kafka = credentials.options;
  if (kafka.sasl?.mechanism === 'plain' && !kafka.ssl) {
    kafkaLogger.warn(
      'KAFKA_SASL_MECHANISM=plain without KAFKA_SSL: the password crosses the network in clear',
    );
  }
  const bus = Bus.create(
    {
      kind: 'kafka',
      kafka,
      lagIntervalMs: config.KAFKA_LAG_INTERVAL_MS,
      topics: topicSettingsOf(config),
    },
    kafkaLogger,
  );
  const database = await createDatabase({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    applicationName: `tuxhat-${service}`,
  });
  const releaseDatabaseCheck = registerDatabaseCheck(database.prisma);
  credentials.start();
  return {
    bus,
    prisma: database.prisma,
    clock: systemClock,
    close: async () => {
      await credentials.stop();
      releaseDatabaseCheck();
      await database.close();
      await flushTracing();
    },
  };
}

/**
 * Runs a process's main: a configuration error stops it with the message naming the key (exit
 * code 78, EX_CONFIG), any other boot failure with exit code 1.
 */
export function runMain(main: () => Promise<unknown>): void {
  main().then(
    // Readiness may pass from now on: every service of the process has booted.
    () => processHealth().markStarted(),
    (error: unknown) => {
      if (error instanceof ConfigError) {
        process.stderr.write(`${error.message}\n`);
        process.exit(78);
      }
      process.stderr.write(
        `boot failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
