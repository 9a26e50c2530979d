import { randomBytes } from 'node:crypto';

import { ConsoleLogger, Controller, type INestMicroservice, Logger } from '@nestjs/common';
import {
  DEAD_LETTER,
  SMS_ACCEPTED,
  SMS_DLR_RAW,
  SMS_MO_RAW,
  SMS_OUTBOUND,
  SMS_SENT,
  SMS_STATUS,
  type DeadLetterEvent,
  type SmsStatusEvent,
  newEnvelope,
  physicalTopicsOf,
  retryTopicFor,
} from '@tuxhat/contracts';
import { DlrModule } from '@tuxhat/dlr';
import { startIngress, type RunningIngress } from '@tuxhat/ingress';
import { Bus, EventPublisher, OnEventBatch, encodeEvent, planTopics } from '@tuxhat/messaging';
import {
  type ServiceRuntime,
  consumerGroupOf,
  startConsumerService,
  systemClock,
} from '@tuxhat/runtime';
import {
  KafkaTopicReader,
  type TestDatabase,
  createTestDatabase,
  endOffsets,
  requiredTestEnv,
  startGroupAtEnd,
  testMessage,
  waitFor,
} from '@tuxhat/testing';
import { Kafka, type Producer, logLevel } from 'kafkajs';

jest.setTimeout(180_000);

/** A routing replica whose every attempt fails: its events end on the dead-letter topic. */
@Controller()
class BrokenRouting {
  @OnEventBatch(SMS_ACCEPTED)
  onAccepted(): Promise<void> {
    return Promise.reject(new Error('routing table unreadable'));
  }
}

// Cluster mode on the real Kafka broker and PostgreSQL: a message's sms.accepted fails in routing
// until it is dead-lettered; the dlr service settles the message `failed` (dead_lettered) through
// sms.status, which the ingress status projector writes into the history the tenant reads. Every
// service runs as its own consumer group of this run (`<service>.t<run>`), started at the end of
// the shared topics.
describe('dead-lettered messages settled on Kafka', () => {
  const run = randomBytes(4).toString('hex');
  const shard = `t${run}`;
  const brokers = requiredTestEnv('KAFKA_BROKERS').split(',');
  const tenant = `acme-${run}`;
  const groups = {
    dlr: consumerGroupOf('dlr', shard),
    routing: consumerGroupOf('routing', shard),
    ingress: consumerGroupOf('ingress', shard),
  };
  const logger = new ConsoleLogger('dead-letters', { logLevels: ['fatal'] });
  const kafka = new Kafka({ clientId: `dl-test-${run}`, brokers, logLevel: logLevel.NOTHING });
  const reader = new KafkaTopicReader(brokers);
  const apps: INestMicroservice[] = [];
  let db: TestDatabase;
  let ingress: RunningIngress | undefined;
  let publisherClient: ReturnType<Bus['createClient']> | undefined;
  let publisher: EventPublisher;
  let producer: Producer;

  beforeAll(async () => {
    db = await createTestDatabase('dlr_dead_letters');
    await db.database.prisma.tenant.create({ data: { id: tenant, name: 'Acme' } });
    const bus = Bus.create(
      { kind: 'kafka', kafka: { brokers, clientId: `dl-test-${run}` } },
      new Logger('kafka'),
    );
    // Not waiting for leaders here (a fresh topic's metadata can still say "not hosted" then):
    // startGroupAtEnd below waits for every topic's partitions to answer.
    const admin = kafka.admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    await admin.createTopics({
      waitForLeaders: false,
      topics: [
        ...planTopics({ carriers: [] }),
        ...Object.values(groups).map((group) => ({ name: retryTopicFor(group), partitions: 2 })),
      ]
        .filter((spec) => !existing.has(spec.name))
        .map((spec) => ({ topic: spec.name, numPartitions: spec.partitions })),
    });
    await admin.disconnect();
    const lanes = (...topics: Parameters<typeof physicalTopicsOf>[0][]) =>
      topics.flatMap((topic) => physicalTopicsOf(topic));
    await Promise.all([
      startGroupAtEnd(brokers, groups.dlr, [
        ...lanes(SMS_SENT, SMS_DLR_RAW, SMS_STATUS, SMS_MO_RAW, DEAD_LETTER),
        retryTopicFor(groups.dlr),
      ]),
      startGroupAtEnd(brokers, groups.routing, [
        ...lanes(SMS_ACCEPTED),
        retryTopicFor(groups.routing),
      ]),
      startGroupAtEnd(brokers, groups.ingress, [
        ...lanes(SMS_STATUS),
        retryTopicFor(groups.ingress),
      ]),
    ]);
    await reader.start([SMS_STATUS.name, DEAD_LETTER.name], { from: 'end' });
    const runtime: ServiceRuntime = { bus, prisma: db.database.prisma, clock: systemClock };
    apps.push(
      await startConsumerService({
        name: 'dlr',
        shard,
        module: DlrModule.forRoot(runtime, { configPollMs: 100 }),
        runtime,
        logger,
        shutdownHooks: false,
      }),
      await startConsumerService({
        name: 'routing',
        shard,
        module: { module: class BrokenRoutingModule {}, controllers: [BrokenRouting] },
        runtime,
        logger,
        shutdownHooks: false,
        retryPolicy: { maxAttempts: 2, backoffMs: [50] },
      }),
    );
    ingress = await startIngress(runtime, {
      httpHost: '127.0.0.1',
      httpPort: 0,
      grpcHost: '127.0.0.1',
      grpcPort: 0,
      shard,
      logger,
      shutdownHooks: false,
    });
    publisherClient = Bus.create(
      { kind: 'kafka', kafka: { brokers, clientId: `dl-test-publisher-${run}` } },
      new Logger('kafka'),
    ).createClient();
    publisher = new EventPublisher(publisherClient);
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await ingress?.close();
    for (const app of apps.reverse()) await app.close();
    await publisherClient?.close();
    await producer?.disconnect();
    await reader.stop();
    await db?.drop();
  });

  /** A message row as ingress writes it. */
  async function stored(name: string, status: 'accepted' | 'sent'): Promise<string> {
    const id = `${name}-${run}`;
    await db.database.prisma.message.create({
      data: {
        id,
        tenantId: tenant,
        destination: '+38267123456',
        source: 'ACME',
        body: 'Your code is 123456',
        encoding: 'gsm7',
        parts: 1,
        status,
      },
    });
    return id;
  }

  /** Publishes a dead letter as it is on the topic, and resolves once the dlr group committed it. */
  async function deliverDeadLetter(event: DeadLetterEvent): Promise<void> {
    const record = encodeEvent(DEAD_LETTER, event);
    const [written] = await producer.send({
      topic: record.topic,
      acks: -1,
      messages: [{ key: record.key, value: record.value, headers: record.headers }],
    });
    await committed(groups.dlr, record.topic, written.partition, BigInt(written.baseOffset!) + 1n);
  }

  /** Resolves once `group` committed `topic`'s partition up to `offset` (its handler ran). */
  async function committed(group: string, topic: string, partition: number, offset: bigint) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitFor(`${group} past offset ${offset} of ${topic}/${partition}`, async () => {
        const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        const at = offsets?.partitions.find((entry) => entry.partition === partition)?.offset;
        return at !== undefined && BigInt(at) >= offset ? true : undefined;
      });
    } finally {
      await admin.disconnect();
    }
  }

  /** Resolves once the status projector has handled everything on sms.status so far. */
  async function projected(): Promise<void> {
    for (const end of await endOffsets(kafka, [SMS_STATUS.name])) {
      await committed(groups.ingress, end.topic, end.partition, BigInt(end.offset));
    }
  }

  const history = (messageId: string) =>
    db.database.prisma.messageStatusEvent.findMany({
      where: { messageId },
      orderBy: { occurredAt: 'asc' },
    });
  const statusesOf = (messageId: string) =>
    reader.values<SmsStatusEvent>(SMS_STATUS.name, (event) => event.messageId === messageId);

  it('fails a message whose sms.accepted was dead-lettered, once, and a second copy changes nothing', async () => {
    const id = await stored('stuck', 'accepted');
    await publisher.publish(SMS_ACCEPTED, {
      ...newEnvelope(),
      message: testMessage({ messageId: id, tenantId: tenant }),
      decision: 'policy: accepted',
    });

    const [deadLetter] = await reader.waitForValues<DeadLetterEvent>(DEAD_LETTER.name, 1, (event) =>
      event.payload.includes(id),
    );
    expect(deadLetter).toMatchObject({ consumerGroup: groups.routing, attempts: 2 });
    const settled = await waitFor('the message failed', async () => {
      const row = await db.database.prisma.message.findUnique({ where: { id } });
      return row?.status === 'failed' ? row : undefined;
    });
    expect(settled.statusDetail).toContain(`dead-lettered by ${groups.routing} on sms.accepted.v1`);
    expect(settled.statusDetail).toContain('routing table unreadable');
    const failures = (await history(id)).filter((event) => event.status === 'failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ source: 'dlr', errorCode: 'dead_lettered' });

    // The same dead letter again (an operator's tool, a redelivery): nothing new anywhere.
    const before = await history(id);
    await deliverDeadLetter(deadLetter);
    await projected();
    expect(await history(id)).toEqual(before);
    const after = await db.database.prisma.message.findUnique({ where: { id } });
    expect(after).toMatchObject({ status: 'failed', updatedAt: settled.updatedAt });
    expect(statusesOf(id).filter((event) => event.status === 'failed')).toHaveLength(1);
  });

  it('leaves a message a carrier has, and one whose carrier has some parts', async () => {
    const sent = await stored('at-carrier', 'sent');
    const partly = await stored('partly', 'accepted');
    const outbound = (messageId: string) =>
      JSON.stringify({
        ...newEnvelope(),
        message: testMessage({ messageId, tenantId: tenant }),
        carrierId: 'sim',
        routeId: 'default',
        attempt: 1,
      });
    const letter = (messageId: string, reason: string): DeadLetterEvent => ({
      ...newEnvelope(),
      originalTopic: `${SMS_OUTBOUND.name}.sim`,
      originalKey: messageId,
      consumerGroup: 'smpp-connector',
      reason,
      attempts: 6,
      payload: outbound(messageId),
    });
    await deliverDeadLetter(letter(sent, 'Error: sms.sent replayed into a broken bind'));
    await deliverDeadLetter(
      letter(partly, `CarrierHasItError: carrier sim took 1 of 2 parts of message ${partly}`),
    );
    await projected();
    expect(await history(sent)).toEqual([]);
    expect(await history(partly)).toEqual([]);
    expect(await db.database.prisma.message.findUnique({ where: { id: partly } })).toMatchObject({
      status: 'accepted',
    });
  });
});
