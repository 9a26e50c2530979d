import { randomBytes } from 'node:crypto';

import { ConsoleLogger, type INestMicroservice, Logger } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import {
  DEAD_LETTER,
  OPS_DLR_TRIGGERS,
  SMS_ACCEPTED,
  SMS_DLR_RAW,
  SMS_MO_RAW,
  SMS_REROUTE,
  SMS_SENT,
  SMS_STATUS,
  SMS_SUBMITTED,
  type EventOf,
  type SmsDlrRawEvent,
  type SmsSentEvent,
  type SmsStatusEvent,
  type TopicDefinition,
  newEnvelope,
  physicalTopicsOf,
  retryTopicFor,
} from '@tuxhat/contracts';
import type { Prisma } from '@tuxhat/database';
import { DlrConfig } from '../../src/config/dlr-config';
import { DlrModule } from '../../src/dlr.module';
import type { DlrOptions } from '../../src/dlr.options';
import {
  Bus,
  EventPublisher,
  planTopics,
  type RetryPolicy,
  type TopicSettings,
} from '@tuxhat/messaging';
import {
  type ServiceRuntime,
  bumpConfigRevision,
  consumerGroupOf,
  startConsumerService,
} from '@tuxhat/runtime';
import {
  KafkaTopicReader,
  TestClock,
  type TestDatabase,
  createTestDatabase,
  requiredTestEnv,
  startGroupAtEnd,
  waitFor,
} from '@tuxhat/testing';
import { Kafka, logLevel } from 'kafkajs';

import { WebhookReceiver } from './webhook-receiver';

/** The topics the dlr service consumes, and those the tests watch. */
const CONSUMED = [SMS_SENT, SMS_DLR_RAW, SMS_STATUS, SMS_MO_RAW, DEAD_LETTER] as const;
const WATCHED = [
  SMS_STATUS,
  SMS_REROUTE,
  OPS_DLR_TRIGGERS,
  DEAD_LETTER,
  SMS_SUBMITTED,
  SMS_ACCEPTED,
];

export interface DlrHarnessOptions {
  readonly options?: DlrOptions;
  readonly retryPolicy?: RetryPolicy;
  /** How the service makes the topics it creates (KAFKA_TOPIC_* in a real process). */
  readonly topics?: TopicSettings;
}

/**
 * The dlr service on the real Kafka broker and a PostgreSQL schema of its own, as its own
 * consumer group (`dlr.<run>`) that starts at the end of the shared topics: what earlier runs
 * left there is not this test's business.
 */
export class DlrHarness {
  readonly run = randomBytes(4).toString('hex');
  readonly clock = new TestClock();
  readonly brokers = requiredTestEnv('KAFKA_BROKERS').split(',');
  readonly reader = new KafkaTopicReader(this.brokers);
  readonly carrierA = `telco-a-${this.run}`;
  readonly carrierB = `telco-b-${this.run}`;
  readonly tenant = `acme-${this.run}`;
  db!: TestDatabase;
  app: INestMicroservice | null = null;
  private bus!: Bus;
  private client!: ClientProxy;
  publisher!: EventPublisher;
  private readonly receivers: WebhookReceiver[] = [];
  private paths = 0;

  constructor(
    private readonly label: string,
    private readonly config: DlrHarnessOptions = {},
  ) {}

  get group(): string {
    return consumerGroupOf('dlr', `t${this.run}`);
  }

  async start(): Promise<this> {
    this.db = await createTestDatabase(`dlr_${this.label}`);
    await this.db.database.prisma.tenant.create({ data: { id: this.tenant, name: 'Acme' } });
    this.bus = Bus.create(
      {
        kind: 'kafka',
        kafka: { brokers: this.brokers, clientId: `dlr-test-${this.run}` },
        ...(this.config.topics ? { topics: this.config.topics } : {}),
      },
      new Logger('kafka'),
    );
    const admin = this.bus.kafkaPort()!.createAdmin();
    await admin.connect();
    await admin.ensureTopics([
      ...planTopics({ carriers: [] }),
      { name: retryTopicFor(this.group), partitions: 2 },
    ]);
    await admin.disconnect();
    await startGroupAtEnd(
      this.brokers,
      this.group,
      CONSUMED.flatMap((topic) => physicalTopicsOf(topic)),
    );
    await this.reader.start(
      [...WATCHED.flatMap((topic) => physicalTopicsOf(topic)), retryTopicFor(this.group)],
      { from: 'end' },
    );
    this.client = Bus.create(
      {
        kind: 'kafka',
        kafka: { brokers: this.brokers, clientId: `dlr-test-publisher-${this.run}` },
      },
      new Logger('kafka'),
    ).createClient();
    this.publisher = new EventPublisher(this.client);
    await this.startService();
    return this;
  }

  /** Starts (again) the dlr service; the group resumes where it committed. */
  async startService(): Promise<INestMicroservice> {
    const runtime: ServiceRuntime = {
      bus: this.bus,
      prisma: this.db.database.prisma,
      clock: this.clock,
    };
    this.app = await startConsumerService({
      name: 'dlr',
      shard: `t${this.run}`,
      module: DlrModule.forRoot(runtime, {
        expiryPollMs: 100,
        configPollMs: 100,
        moSweepMs: 200,
        ...this.config.options,
        webhook: {
          pollMs: 50,
          retryBaseMs: 100,
          retryMaxMs: 400,
          timeoutMs: 2_000,
          ...this.config.options?.webhook,
        },
      }),
      runtime,
      logger: new ConsoleLogger('dlr', { logLevels: ['fatal', 'error', 'warn'] }),
      shutdownHooks: false,
      retryPolicy: this.config.retryPolicy ?? { maxAttempts: 5, backoffMs: [300, 600, 1_000] },
    });
    return this.app;
  }

  async stopService(): Promise<void> {
    await this.app?.close();
    this.app = null;
  }

  async close(): Promise<void> {
    for (const receiver of this.receivers) await receiver.stop();
    await this.stopService();
    await this.reader.stop();
    await this.client?.close();
    await this.db?.drop();
  }

  /** Resolves once the broker has `topic` (per-tenant topics are created on demand). */
  async waitForTopic(topic: string): Promise<void> {
    const admin = new Kafka({ brokers: this.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await waitFor(`topic ${topic}`, async () =>
        (await admin.listTopics()).includes(topic) ? true : undefined,
      );
    } finally {
      await admin.disconnect();
    }
  }

  /** What the admin API does after a change: bump the config revision; then reload at once. */
  async configChanged(): Promise<void> {
    await this.db.database.prisma.$transaction((tx) => bumpConfigRevision(tx));
    await this.get(DlrConfig).refresh();
  }

  get<T>(type: abstract new (...args: never[]) => T): T {
    return this.app!.get<T>(type);
  }

  publish<T extends TopicDefinition>(topic: T, event: EventOf<T>): Promise<void> {
    return this.publisher.publish(topic, event);
  }

  /** Another tenant of this run, with a webhook signing secret when given. */
  async addTenant(name: string, secret?: string): Promise<string> {
    const id = this.id(name);
    await this.db.database.prisma.tenant.create({ data: { id, name } });
    if (secret) {
      await this.db.database.prisma.dlrWebhookSecret.create({ data: { tenantId: id, secret } });
    }
    return id;
  }

  /**
   * A tenant's webhook endpoint (see WebhookReceiver), stopped with the harness. Its clock is
   * the test clock, as a receiver's agrees with the gateway's (signatures carry the time).
   */
  async webhookReceiver(
    secret: string | null,
  ): Promise<{ receiver: WebhookReceiver; url: string }> {
    const receiver = new WebhookReceiver(secret, () => this.clock.now());
    this.receivers.push(receiver);
    return { receiver, url: await receiver.start() };
  }

  /** A webhook DLR path of the tenant to `url` (every status unless filtered), in force. */
  async addWebhookPath(
    tenantId: string,
    url: string,
    statuses: SmsStatusEvent['status'][] = [],
  ): Promise<void> {
    await this.db.database.prisma.dlrPath.create({
      data: { id: this.id(`path-${++this.paths}`), tenantId, kind: 'webhook', url, statuses },
    });
    await this.configChanged();
  }

  /** A status event as it comes on `sms.status.v1`, for the DLR paths. */
  statusEvent(
    tenantId: string,
    messageId: string,
    status: SmsStatusEvent['status'] = 'delivered',
  ): SmsStatusEvent {
    return { ...newEnvelope(), messageId, tenantId, status, source: 'test' };
  }

  /** A message row as ingress writes it. */
  async message(
    id: string,
    fields: Partial<Prisma.MessageUncheckedCreateInput> = {},
  ): Promise<string> {
    await this.db.database.prisma.message.create({
      data: {
        id,
        tenantId: this.tenant,
        destination: '+38267123456',
        source: 'TuxHat',
        body: 'Your code is 123456',
        encoding: 'gsm7',
        parts: 1,
        status: 'routed',
        ...fields,
      },
    });
    return id;
  }

  id(name: string): string {
    return `${name}-${this.run}`;
  }

  sent(messageId: string, carrierMessageIds: string[], carrierId = this.carrierA): SmsSentEvent {
    return {
      ...newEnvelope(),
      messageId,
      tenantId: this.tenant,
      carrierId,
      routeId: 'default',
      parts: carrierMessageIds.map((carrierMessageId, partIndex) => ({
        partIndex,
        carrierMessageId,
      })),
    };
  }

  receipt(
    carrierMessageId: string,
    state: SmsDlrRawEvent['state'] = 'delivered',
    extra: Partial<SmsDlrRawEvent> = {},
  ): SmsDlrRawEvent {
    const raw: Record<string, string> = {
      delivered: 'DELIVRD',
      undeliverable: 'UNDELIV',
      expired: 'EXPIRED',
      rejected: 'REJECTD',
      deleted: 'DELETED',
      unknown: 'UNKNOWN',
      enroute: 'ENROUTE',
      accepted: 'ACCEPTD',
    };
    return {
      ...newEnvelope(),
      carrierId: this.carrierA,
      carrierMessageId,
      state,
      rawState: raw[state],
      errorCode: state === 'delivered' ? '000' : '001',
      receivedAt: new Date().toISOString(),
      ...extra,
    };
  }

  statuses(messageId: string) {
    return this.reader.values<EventOf<typeof SMS_STATUS>>(
      SMS_STATUS.name,
      (event) => event.messageId === messageId,
    );
  }

  waitForStatus(
    messageId: string,
    predicate: (event: EventOf<typeof SMS_STATUS>) => boolean = () => true,
    count = 1,
  ) {
    return this.reader.waitForValues<EventOf<typeof SMS_STATUS>>(
      SMS_STATUS.name,
      count,
      (event) => event.messageId === messageId && predicate(event),
    );
  }
}
