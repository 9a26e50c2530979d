import { ConfigError, envTypes, parseEnv } from '@tuxhat/config';
import { createDatabase } from '@tuxhat/database';
import { Bus } from '@tuxhat/messaging';
import { z } from 'zod';

import { type ServiceRuntime, systemClock } from './service-runtime';
import { createLogger } from './start-service';

/** Environment every cluster-mode service reads. */
export const clusterEnvSchema = z.object({
  KAFKA_BROKERS: envTypes.list(),
  KAFKA_SSL: envTypes.boolean(false),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgresql:// URL'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
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
  const bus = Bus.create(
    {
      kind: 'kafka',
      kafka: {
        brokers: config.KAFKA_BROKERS,
        clientId: `tuxhat-${service}`,
        ssl: config.KAFKA_SSL,
      },
    },
    createLogger(`${service}/kafka`),
  );
  const database = await createDatabase({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    applicationName: `tuxhat-${service}`,
  });
  return { bus, prisma: database.prisma, clock: systemClock, close: () => database.close() };
}

/**
 * Runs a process's main: a configuration error stops it with the message naming the key (exit
 * code 78, EX_CONFIG), any other boot failure with exit code 1.
 */
export function runMain(main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    process.stderr.write(
      `boot failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
