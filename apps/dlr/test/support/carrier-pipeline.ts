import { randomBytes } from 'node:crypto';

import { ConsoleLogger, type INestMicroservice } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import {
  SMS_DLR_RAW,
  SMS_OUTBOUND,
  SMS_SENT,
  TOPICS,
  type MessageStatus,
  isFinalStatus,
  newEnvelope,
  physicalTopicsOf,
} from '@tuxhat/contracts';
import type { MessageStatusEvent } from '@tuxhat/database';
import { DlrModule, type DlrOptions } from '@tuxhat/dlr';
import { type RunningIngress, startIngress } from '@tuxhat/ingress';
import { Bus, EventPublisher, planTopics } from '@tuxhat/messaging';
import {
  type ServiceRuntime,
  consumerGroupOf,
  startConsumerService,
  systemClock,
} from '@tuxhat/runtime';
import { detectEncoding, splitMessage } from '@tuxhat/smpp';
import { startSmppConnector } from '@tuxhat/smpp-connector';
import {
  SmscSimulator,
  type SmscSimulatorOptions,
  type SubmitRecord,
} from '@tuxhat/smsc-simulator';
import {
  KafkaTopicReader,
  TestClock,
  type TestDatabase,
  createTestDatabase,
  requiredTestEnv,
  startGroupAtEnd,
  testMessage,
  waitFor,
} from '@tuxhat/testing';

const PASSWORD_ENV = 'DLR_PIPELINE_TEST_SMPP_PASSWORD';

/** One simulated carrier of the pipeline: its SMSC and how the connector binds to it. */
export interface CarrierSpec {
  readonly simulator: SmscSimulatorOptions;
  /** The connector's binds (default one transceiver). */
  readonly binds?: readonly { mode: 'transmitter' | 'receiver' | 'transceiver'; count: number }[];
}

export interface PipelineCarrier {
  /** The carrier id in the database, unique to the run (so are its outbound topics). */
  readonly id: string;
  readonly simulator: SmscSimulator;
  /** Every receipt deliver_sm the simulator wrote, with the connection it went out on. */
  readonly receipts: { connectionId: number; messageId: string }[];
}

export interface SentMessage {
  readonly id: string;
  readonly carrier: PipelineCarrier;
  readonly destination: string;
  readonly text: string;
}

/**
 * The receipt path of cluster mode in one process: SMSC simulators over TCP, the SMPP connector,
 * the dlr service and ingress' status projector, on the real Kafka broker and a PostgreSQL
 * schema of their own. Every consumer group is this run's (`<service>.t<run>`), started at the
 * end of the shared topics, and every carrier id (so every outbound topic) is the run's: runs of
 * other tests on the same broker neither feed nor starve this one.
 *
 * Messages go in as routing hands them over (the row, then sms.outbound); what comes out is read
 * where the tenant would see it, the message's status history.
 */
export class CarrierPipeline<Name extends string> {
  readonly run = randomBytes(4).toString('hex');
  readonly shard = `t${this.run}`;
  readonly tenant = `acme-${this.run}`;
  /** The dlr's clock (expiry): the other services keep real time. */
  readonly clock = new TestClock();
  readonly brokers = requiredTestEnv('KAFKA_BROKERS').split(',');
  /** sms.sent and sms.dlr.raw as the connector publishes them during the run. */
  readonly reader = new KafkaTopicReader(this.brokers);
  readonly carriers = new Map<Name, PipelineCarrier>();
  /** Every message sent, for a last look at their histories. */
  readonly sent: SentMessage[] = [];
  db!: TestDatabase;
  private bus!: Bus;
  private client!: ClientProxy;
  private publisher!: EventPublisher;
  private dlr: INestMicroservice | null = null;
  private connector: INestMicroservice | null = null;
  private ingress: RunningIngress | null = null;
  private readonly logger = new ConsoleLogger('pipeline', { logLevels: ['fatal', 'error'] });
  private readonly account = { systemId: 'tuxhat-kdlr', password: randomBytes(4).toString('hex') };

  constructor(
    private readonly specs: Readonly<Record<Name, CarrierSpec>>,
    private readonly dlrOptions: DlrOptions = {},
  ) {}

  get prisma() {
    return this.db.database.prisma;
  }

  async start(): Promise<this> {
    process.env[PASSWORD_ENV] = this.account.password;
    this.db = await createTestDatabase('dlr_pipeline');
    await this.prisma.tenant.create({ data: { id: this.tenant, name: 'Acme' } });
    for (const name of Object.keys(this.specs) as Name[]) await this.addCarrier(name);

    this.bus = Bus.create(
      { kind: 'kafka', kafka: { brokers: this.brokers, clientId: `dlr-pipeline-${this.run}` } },
      this.logger,
    );
    const groups = (['dlr', 'smpp-connector', 'ingress'] as const).map((name) =>
      consumerGroupOf(name, this.shard),
    );
    const admin = this.bus.kafkaPort()!.createAdmin();
    await admin.connect();
    await admin.ensureTopics(
      planTopics({
        carriers: [...this.carriers.values()].map((carrier) => carrier.id),
        extraGroups: groups,
      }),
    );
    await admin.disconnect();
    // Every shared topic, not only those the services read today: a group that found one it
    // had no offset on would read the history of every earlier run there.
    const shared = TOPICS.filter((topic) => topic !== SMS_OUTBOUND).flatMap((topic) =>
      physicalTopicsOf(topic),
    );
    await Promise.all([
      ...groups.map((group) => startGroupAtEnd(this.brokers, group, shared)),
      this.reader.start([...physicalTopicsOf(SMS_SENT), ...physicalTopicsOf(SMS_DLR_RAW)], {
        from: 'end',
      }),
    ]);
    this.client = this.bus.createClient();
    this.publisher = new EventPublisher(this.client);

    const runtime: ServiceRuntime = { bus: this.bus, prisma: this.prisma, clock: systemClock };
    // Started side by side: each joins its consumer group, seconds each on Kafka.
    [this.ingress, this.connector] = await Promise.all([
      startIngress(runtime, {
        httpHost: '127.0.0.1',
        httpPort: 0,
        grpcHost: '127.0.0.1',
        grpcPort: 0,
        shard: this.shard,
        logger: this.logger,
        shutdownHooks: false,
      }),
      startSmppConnector(runtime, {
        carriers: 'all',
        shard: this.shard,
        logger: this.logger,
        shutdownHooks: false,
        reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
      }),
      this.startDlr(),
    ]);
    return this;
  }

  /** Starts (again) the dlr service; its group resumes where it committed. */
  async startDlr(): Promise<void> {
    const runtime: ServiceRuntime = { bus: this.bus, prisma: this.prisma, clock: this.clock };
    this.dlr = await startConsumerService({
      name: 'dlr',
      shard: this.shard,
      module: DlrModule.forRoot(runtime, {
        expiryPollMs: 100,
        configPollMs: 500,
        ...this.dlrOptions,
      }),
      runtime,
      logger: this.logger,
      shutdownHooks: false,
      retryPolicy: { maxAttempts: 8, backoffMs: [200, 400, 800] },
    });
  }

  async stopDlr(): Promise<void> {
    await this.dlr?.close();
    this.dlr = null;
  }

  async close(): Promise<void> {
    await this.ingress?.close();
    await this.connector?.close();
    await this.stopDlr();
    await this.reader.stop();
    await this.client?.close();
    for (const carrier of this.carriers.values()) await carrier.simulator.stop();
    await this.db?.drop();
  }

  carrier(name: Name): PipelineCarrier {
    const carrier = this.carriers.get(name);
    if (!carrier) throw new Error(`no carrier ${name}`);
    return carrier;
  }

  /**
   * A message to `destination` through the carrier, as routing sends it: the row (ingress wrote
   * it, routing moved it to routed), then sms.outbound. Long texts go as several parts.
   */
  async send(
    name: Name,
    label: string,
    destination: string,
    options: { text?: string; validUntil?: Date } = {},
  ): Promise<SentMessage> {
    const carrier = this.carrier(name);
    const id = `${name}-${label}-${this.run}`;
    const text = options.text ?? `Your code for ${id}`;
    const encoding = detectEncoding(text);
    const parts = splitMessage(text).parts.length;
    await this.prisma.message.create({
      data: {
        id,
        tenantId: this.tenant,
        destination,
        source: 'TuxHat',
        body: text,
        encoding,
        parts,
        status: 'routed',
        carrierId: carrier.id,
        routeId: 'default',
        ...(options.validUntil ? { validUntil: options.validUntil } : {}),
      },
    });
    await this.publisher.publish(SMS_OUTBOUND, {
      ...newEnvelope(),
      message: testMessage({
        messageId: id,
        tenantId: this.tenant,
        destination,
        source: 'TuxHat',
        text,
        encoding,
        parts,
        ...(options.validUntil ? { validUntil: options.validUntil.toISOString() } : {}),
      }),
      carrierId: carrier.id,
      routeId: 'default',
      attempt: 1,
    });
    const message = { id, carrier, destination, text };
    this.sent.push(message);
    return message;
  }

  /** The message's status history, once it has a final status. */
  finalHistory(message: SentMessage): Promise<MessageStatusEvent[]> {
    return waitFor(`a final status of ${message.id}`, async () => {
      const history = await this.history(message);
      return history.some((event) => isFinalStatus(event.status)) ? history : undefined;
    });
  }

  history(message: SentMessage): Promise<MessageStatusEvent[]> {
    return this.prisma.messageStatusEvent.findMany({
      where: { messageId: message.id },
      orderBy: { id: 'asc' },
    });
  }

  /** The part receipts the dlr stored for the message, once it has one. */
  waitForPartReceipt(message: SentMessage) {
    return waitFor(`a part receipt of ${message.id}`, async () => {
      const receipts = await this.prisma.dlrPartReceipt.findMany({
        where: { messageId: message.id },
      });
      return receipts.length > 0 ? receipts : undefined;
    });
  }

  async projectedStatus(message: SentMessage): Promise<MessageStatus> {
    return (await this.prisma.message.findUniqueOrThrow({ where: { id: message.id } })).status;
  }

  /**
   * The submit_sm the simulator received for each part of the message, in part order: the
   * single part by its text, the parts of a long one by their concatenation reference.
   */
  submitsOf(message: SentMessage): SubmitRecord[] {
    const received = message.carrier.simulator
      .received()
      .filter((record) => `+${record.destinationAddr}` === message.destination);
    const first = received.find(({ concat, text }) =>
      concat
        ? concat.sequence === 1 && text !== undefined && message.text.startsWith(text)
        : text === message.text,
    );
    if (!first) throw new Error(`the simulator received no submit for ${message.id}`);
    if (!first.concat) return [first];
    const reference = first.concat.reference;
    return received
      .filter((record) => record.concat?.reference === reference)
      .sort((a, b) => a.concat!.sequence - b.concat!.sequence);
  }

  private async addCarrier(name: Name): Promise<void> {
    const spec = this.specs[name];
    const simulator = new SmscSimulator({ accounts: [this.account], ...spec.simulator });
    const carrier: PipelineCarrier = { id: `${name}-${this.run}`, simulator, receipts: [] };
    simulator.on('receipt', ({ connectionId, messageId }) =>
      carrier.receipts.push({ connectionId, messageId }),
    );
    const { port } = await simulator.start();
    await this.prisma.carrier.create({
      data: {
        id: carrier.id,
        name,
        kind: 'smpp',
        config: {
          smpp: {
            host: '127.0.0.1',
            port,
            systemId: this.account.systemId,
            password: { env: PASSWORD_ENV },
            windowSize: 10,
            ...(spec.binds ? { binds: spec.binds.map((bind) => ({ ...bind })) } : {}),
          },
        },
      },
    });
    this.carriers.set(name, carrier);
  }
}
