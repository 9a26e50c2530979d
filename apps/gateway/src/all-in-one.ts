import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MessageChannel } from 'node:worker_threads';

import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import { AccountingModule } from '@tuxhat/accounting';
import { AdminKeyStore, startAdmin } from '@tuxhat/admin';
import {
  type GatewayConfig,
  loadGatewayConfig,
  resolveSecret,
  seedGatewayConfig,
} from '@tuxhat/config';
import { carrierFaultRuleOf } from '@tuxhat/connector-kit';
import { SMS_OUTBOUND, topicForPhysicalName } from '@tuxhat/contracts';
import { createDatabase, type Database } from '@tuxhat/database';
import { DlrModule } from '@tuxhat/dlr';
import { readListenerTls, startIngress } from '@tuxhat/ingress';
import {
  Bus,
  EventPublisher,
  InProcessBroker,
  SharedBusBacklog,
  ThreadBridgedBroker,
} from '@tuxhat/messaging';
import { PolicyModule } from '@tuxhat/policy';
import { RoutingModule, carrierWaitOptionsOf } from '@tuxhat/routing';
import {
  type ServiceRuntime,
  createLogger,
  startConsumerService,
  systemClock,
} from '@tuxhat/runtime';
import { startSmppConnector } from '@tuxhat/smpp-connector';
import { SmscSimulator } from '@tuxhat/smsc-simulator';
import { startSnsConnector } from '@tuxhat/sns-connector';

import { checkConfiguredCarriers } from './configured-carriers';
import { DeadLetterModule } from './dead-letter.module';
import { demoConfig, simulatorPassword } from './demo-setup';
import type { GatewayEnv } from './gateway.config';
import { ingressPlacement } from './ingress-placement';
import { startIngressThread } from './ingress-thread';
import { warnOfKafkaDeliveries } from './kafka-deliveries';
import { feedParkedMessages } from './parked-feeder';
import { countUnfinishedMessages, redriveUnfinishedMessages } from './redrive';

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
  /** Where ingress runs, in words (the banner says it). */
  readonly ingressPlacement: string;
  /** Messages accepted before the last shutdown and not at a carrier: re-driven in the background. */
  readonly redriven: number;
  close(): Promise<void>;
}

/**
 * The all-in-one gateway: every service in one process over the in-process bus, sharing one
 * database (embedded PGlite on local disk unless DATABASE_URL names a PostgreSQL server), with
 * the built-in SMSC simulator as the default carrier. The same service modules and handlers
 * run in cluster mode, one process each over Kafka. Ingress may run on a worker thread of its
 * own, its bus bridged to this one (see ingress-placement.ts).
 */
export async function startGateway(
  env: GatewayEnv,
  logger: LoggerService = createLogger('gateway'),
): Promise<RunningGateway> {
  const bootedAt = new Date();
  // Before anything starts: a TLS file that is missing or wrong stops the boot naming it.
  const tls = readListenerTls(env);
  const dataDir = resolve(env.TUXHAT_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };

  try {
    const { config, demoApiKey } = gatewayConfig(env, dataDir);
    checkConfiguredCarriers(config, env.TUXHAT_CONFIG ?? 'the demo configuration');

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
    // Stored by a gateway with Kafka on this database: nothing here reads their topics.
    await warnOfKafkaDeliveries(database.prisma, logger);

    const placement = ingressPlacement(env);
    // Made before any consumer subscribes: the worker learns every subscription of this thread.
    const thread = placement.thread ? { ...placement, bridge: new MessageChannel() } : undefined;
    // A carrier added while the gateway runs may be routed to before its connector subscribes.
    const brokerOptions = {
      keepUntilSubscribed: (topic: string) => topicForPhysicalName(topic) === SMS_OUTBOUND,
    };
    const broker = thread
      ? new ThreadBridgedBroker(thread.bridge.port1, brokerOptions)
      : new InProcessBroker(brokerOptions);
    if (broker instanceof ThreadBridgedBroker) closers.push(async () => broker.close());
    // Held until every service has subscribed (opened below): the connector binds before the
    // consumers of what a carrier sends at once (receipts it stored while we were down).
    broker.hold();
    // What the broker's consumer groups hold queued, for ingress (on its thread) to read.
    const backlog = SharedBusBacklog.create(env.BUS_BACKLOG_LIMIT);
    const runtime: ServiceRuntime = {
      bus: Bus.create(
        {
          kind: 'in-process',
          broker,
          acknowledgementTimeoutMs: env.BUS_ACKNOWLEDGEMENT_TIMEOUT_MS,
        },
        logger,
      ),
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
    // Consumers first, downstream first, so that a service's own start-up finds the services it
    // calls running (the bus is held until all are, see above).
    await consumer(
      'gateway',
      DeadLetterModule.forRoot(runtime, { messageRetentionDays: env.MESSAGE_RETENTION_DAYS }),
    );
    await consumer(
      'dlr',
      DlrModule.forRoot(runtime, { messageRetentionDays: env.MESSAGE_RETENTION_DAYS }),
    );
    await consumer(
      'accounting',
      AccountingModule.forRoot(runtime, {
        currency: env.ACCOUNTING_CURRENCY,
        recordRetentionDays: env.ACCOUNTING_RETENTION_DAYS,
      }),
    );
    const smppConnector = await startSmppConnector(runtime, {
      carriers: 'all',
      health: carrierFaultRuleOf(env),
      logger,
      shutdownHooks: false,
    });
    closers.push(() => smppConnector.close());
    // The database's carriers, not only the config file's: an operator may have added an SNS
    // carrier through the admin API (applied at the next start, as carrier settings are).
    if ((await database.prisma.carrier.count({ where: { kind: 'sns' } })) > 0) {
      const snsConnector = await startSnsConnector(runtime, {
        carriers: 'all',
        health: carrierFaultRuleOf(env),
        logger,
        shutdownHooks: false,
      });
      closers.push(() => snsConnector.close());
    }
    await consumer('routing', RoutingModule.forRoot(runtime, carrierWaitOptionsOf(env)));
    await consumer(
      'policy',
      PolicyModule.forRoot(runtime, { messageRetentionDays: env.MESSAGE_RETENTION_DAYS }),
    );
    const listeners = {
      httpHost: env.HTTP_HOST,
      httpPort: env.HTTP_PORT,
      grpcHost: env.GRPC_HOST,
      grpcPort: env.GRPC_PORT,
      tls,
      messageRetentionDays: env.MESSAGE_RETENTION_DAYS,
    };
    const ingress = thread
      ? await startIngressThread({
          entry: thread.entry,
          workerData: {
            bus: thread.bridge.port2,
            databaseUrl: thread.databaseUrl,
            backlog: backlog.buffer,
            backlogLimit: backlog.limit,
            ...listeners,
          },
          onDeath: (error) => {
            // Everything a tenant got a 2xx for is committed in the database, and re-driven
            // from there at the next boot: exiting loses nothing a supervisor's restart cannot
            // recover.
            logger.error(
              `ingress worker died, exiting: ${error.stack ?? error.message}`,
              'gateway',
            );
            process.exit(1);
          },
        })
      : await startIngress(runtime, { ...listeners, backlog, logger, shutdownHooks: false });
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

    broker.open();
    const publisher = new EventPublisher(runtime.bus.createClient());
    const sampling = setInterval(() => backlog.record(broker.queued()), 50);
    closers.push(async () => clearInterval(sampling));
    const stopFeeding = new AbortController();
    const feeding = feedParkedMessages(database.prisma, publisher, {
      // The sampler's figure: the broker's queues are counted once, not once per reader.
      queued: () => backlog.queued,
      limit: env.BUS_BACKLOG_LIMIT,
      // Ingress (either thread) counts its parkings here: no query while nothing is parked.
      parkings: () => backlog.parkings,
      signal: stopFeeding.signal,
    }).catch((error: unknown) => {
      logger.error(
        `the feeder of parked messages stopped (they are fed at the next boot): ${String(error)}`,
        'gateway',
      );
    });
    closers.push(async () => {
      stopFeeding.abort();
      await feeding;
    });
    const redriven = await countUnfinishedMessages(database.prisma, bootedAt);
    if (redriven > 0) {
      // In the background, a window at a time (see redrive.ts): a large backlog drains at the
      // pipeline's pace while the gateway serves new traffic.
      logger.log(`re-driving ${redriven} message(s) accepted before the last shutdown`, 'gateway');
      const stop = new AbortController();
      const redrive = redriveUnfinishedMessages(database.prisma, publisher, bootedAt, {
        signal: stop.signal,
      }).then(
        (count) => {
          logger.log(`re-drove ${count} message(s)`, 'gateway');
        },
        (error: unknown) => {
          logger.error(
            `re-drive stopped (the rest is re-driven at the next boot): ${String(error)}`,
            'gateway',
          );
        },
      );
      closers.push(async () => {
        stop.abort();
        await redrive;
      });
    }

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
      ingressPlacement: placement.thread
        ? 'its own worker thread'
        : `the main thread (${placement.reason})`,
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
