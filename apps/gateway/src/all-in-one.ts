import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import { AccountingModule } from '@tuxhat/accounting';
import { AdminKeyStore, startAdmin } from '@tuxhat/admin';
import {
  type GatewayConfig,
  loadGatewayConfig,
  resolveSecret,
  seedGatewayConfig,
} from '@tuxhat/config';
import { createDatabase, type Database } from '@tuxhat/database';
import { DlrModule } from '@tuxhat/dlr';
import { startIngress } from '@tuxhat/ingress';
import { Bus, EventPublisher } from '@tuxhat/messaging';
import { PolicyModule } from '@tuxhat/policy';
import { RoutingModule } from '@tuxhat/routing';
import {
  type ServiceRuntime,
  createLogger,
  startConsumerService,
  systemClock,
} from '@tuxhat/runtime';
import { startSmppConnector } from '@tuxhat/smpp-connector';
import { SmscSimulator } from '@tuxhat/smsc-simulator';
import { startSnsConnector } from '@tuxhat/sns-connector';

import { DeadLetterModule } from './dead-letter.module';
import { demoConfig, simulatorPassword } from './demo-setup';
import type { GatewayEnv } from './gateway.config';
import { redriveUnfinishedMessages } from './redrive';

export interface RunningGateway {
  readonly httpUrl: string;
  readonly grpcUrl: string;
  readonly adminUrl: string;
  /** The file holding the bootstrap admin key (mode 0600). */
  readonly adminKeyFile: string;
  readonly database: string;
  /** The demo tenant's API key, when the gateway runs the built-in demo config. */
  readonly demoApiKey: string | undefined;
  readonly simulatorAddress: string | undefined;
  readonly redriven: number;
  close(): Promise<void>;
}

/**
 * The all-in-one gateway: every service in one process over the in-process bus, sharing one
 * database (embedded PGlite on local disk unless DATABASE_URL names a PostgreSQL server), with
 * the built-in SMSC simulator as the default carrier. The same service modules and handlers
 * run in cluster mode, one process each over Kafka.
 */
export async function startGateway(
  env: GatewayEnv,
  logger: LoggerService = createLogger('gateway'),
): Promise<RunningGateway> {
  const dataDir = resolve(env.TUXHAT_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };

  try {
    const { config, demoApiKey } = gatewayConfig(env, dataDir);

    let simulatorAddress: string | undefined;
    if (env.SIMULATOR ?? !env.TUXHAT_CONFIG) {
      const simulator = new SmscSimulator({
        port: env.SIMULATOR_PORT,
        accounts: simulatorAccounts(config, env.SIMULATOR_PORT),
        deliveryDelayMs: env.SIMULATOR_DELIVERY_DELAY_MS,
      });
      const address = await simulator.start();
      simulatorAddress = `${address.host}:${address.port}`;
      closers.push(() => simulator.stop());
    }

    const database: Database = await createDatabase(
      env.DATABASE_URL
        ? { url: env.DATABASE_URL, migrateOnBoot: true, applicationName: 'tuxhat-gateway' }
        : { pgliteDataDir: join(dataDir, 'pgdata'), migrateOnBoot: true },
    );
    closers.push(() => database.close());
    await seedGatewayConfig(database.prisma, config);

    const runtime: ServiceRuntime = {
      bus: Bus.create({ kind: 'in-process' }, logger),
      prisma: database.prisma,
      clock: systemClock,
    };
    const consumer = async (
      name: Parameters<typeof startConsumerService>[0]['name'],
      module: Parameters<typeof startConsumerService>[0]['module'],
    ) => {
      const app = await startConsumerService({
        name,
        module,
        runtime,
        logger,
        shutdownHooks: false,
      });
      closers.push(() => app.close());
      return app;
    };
    // Consumers first, downstream first: on the in-process bus nothing is buffered for a
    // service that has not subscribed yet.
    await consumer('gateway', DeadLetterModule.forRoot(runtime));
    await consumer('dlr', DlrModule.forRoot(runtime));
    await consumer(
      'accounting',
      AccountingModule.forRoot(runtime, { currency: env.ACCOUNTING_CURRENCY }),
    );
    const smppConnector = await startSmppConnector(runtime, {
      carriers: 'all',
      logger,
      shutdownHooks: false,
    });
    closers.push(() => smppConnector.close());
    if (config.carriers.some((carrier) => carrier.kind === 'sns')) {
      const snsConnector = await startSnsConnector(runtime, {
        carriers: 'all',
        logger,
        shutdownHooks: false,
      });
      closers.push(() => snsConnector.close());
    }
    await consumer('routing', RoutingModule.forRoot(runtime));
    await consumer('policy', PolicyModule.forRoot(runtime));
    const ingress = await startIngress(runtime, {
      httpHost: env.HTTP_HOST,
      httpPort: env.HTTP_PORT,
      grpcHost: env.GRPC_HOST,
      grpcPort: env.GRPC_PORT,
      logger,
      shutdownHooks: false,
    });
    closers.push(() => ingress.close());

    const adminKeyFile = resolve(env.ADMIN_BOOTSTRAP_KEY_FILE ?? join(dataDir, 'admin-api-key'));
    await new AdminKeyStore(database.prisma).bootstrapFromFile(adminKeyFile, {
      name: env.ADMIN_BOOTSTRAP_KEY_NAME,
      createIfMissing: true,
    });
    const admin = await startAdmin(runtime, {
      host: env.ADMIN_HOST,
      port: env.ADMIN_PORT,
      logger,
      shutdownHooks: false,
    });
    closers.push(() => admin.close());

    const publisher = new EventPublisher(runtime.bus.createClient());
    const redriven = await redriveUnfinishedMessages(database.prisma, publisher);
    if (redriven > 0)
      logger.log(`re-drove ${redriven} message(s) accepted before the last shutdown`, 'gateway');

    return {
      httpUrl: ingress.httpUrl,
      grpcUrl: ingress.grpcUrl,
      adminUrl: admin.url,
      adminKeyFile,
      database: env.DATABASE_URL
        ? 'PostgreSQL (DATABASE_URL)'
        : `embedded PGlite in ${join(dataDir, 'pgdata')}`,
      demoApiKey,
      simulatorAddress,
      redriven,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function gatewayConfig(
  env: GatewayEnv,
  dataDir: string,
): { config: GatewayConfig; demoApiKey: string | undefined } {
  if (env.TUXHAT_CONFIG)
    return { config: loadGatewayConfig(env.TUXHAT_CONFIG), demoApiKey: undefined };
  const demo = demoConfig(dataDir, {
    port: env.SIMULATOR_PORT,
    password: simulatorPassword(dataDir),
  });
  return { config: demo.config, demoApiKey: demo.apiKey };
}

/** The simulator accepts the binds of every SMPP carrier configured to reach it. */
function simulatorAccounts(
  config: GatewayConfig,
  port: number,
): { systemId: string; password: string }[] {
  return config.carriers.flatMap((carrier, index) =>
    carrier.kind === 'smpp' &&
    carrier.smpp.port === port &&
    ['127.0.0.1', 'localhost'].includes(carrier.smpp.host)
      ? [
          {
            systemId: carrier.smpp.systemId,
            password: resolveSecret(carrier.smpp.password, `carriers[${index}].smpp.password`),
          },
        ]
      : [],
  );
}

export type { INestApplicationContext };
