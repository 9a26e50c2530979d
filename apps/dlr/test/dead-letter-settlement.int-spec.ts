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
  type MessageStatus,
  type SmsSentEvent,
  type SmsStatusEvent,
  newEnvelope,
  physicalTopicsOf,
  retryTopicFor,
} from '@tuxhat/contracts';
import { DlrModule, ExpiryScheduler } from '@tuxhat/dlr';
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
  TestClock,
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
// sms.status, which the ingress status projector writes into the history the tenant reads. A
// dead-lettered sms.sent leaves the message at its carrier with an expiry deadline (time: the
// dlr's injected clock). Every service runs as its own consumer group of this run
// (`<service>.t<run>`), started at the end of the shared topics.
describe('dead-lettered messages settled on Kafka', () => {
  const run = randomBytes(4).toString('hex');
  const shard = `t${run}`;
  const brokers = requiredTestEnv('KAFKA_BROKERS').split(',');
  const tenant = `acme-${run}`;
  /** The dlr's clock: its expiry runs on it. */
  const clock = new TestClock();
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
    const dlrRuntime: ServiceRuntime = { ...runtime, clock };
    apps.push(
      await startConsumerService({
        name: 'dlr',
        shard,
        module: DlrModule.forRoot(dlrRuntime, { configPollMs: 100, expiryPollMs: 100 }),
        runtime: dlrRuntime,
        logger,
        shutdownHooks: false,
        // An sms.sent it cannot record is dead-lettered after a second attempt.
        retryPolicy: { maxAttempts: 2, backoffMs: [50] },
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
  async function stored(name: string, status: MessageStatus, tenantId = tenant): Promise<string> {
    const id = `${name}-${run}`;
    await db.database.prisma.message.create({
      data: {
        id,
        tenantId,
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

  /** What a connector publishes once carrier `sim` took the message's one part. */
  const sentEvent = (messageId: string, carrierMessageId: string): SmsSentEvent => ({
    ...newEnvelope(),
    messageId,
    tenantId: tenant,
    carrierId: 'sim',
    routeId: 'default',
    parts: [{ partIndex: 0, carrierMessageId }],
  });
  const deadlineOf = (messageId: string) =>
    db.database.prisma.dlrDeadline.findUnique({ where: { messageId } });
  const carrierKeysOf = (messageId: string) =>
    db.database.prisma.dlrCarrierKey.findMany({ where: { messageId } });
  const messageOf = (messageId: string) =>
    db.database.prisma.message.findUnique({ where: { id: messageId } });

  it("records a dead-lettered sms.sent's carrier ids, so the receipt ends the message; another tenant's and a final message stay as they are", async () => {
    const other = `other-${run}`;
    await db.database.prisma.tenant.create({ data: { id: other, name: 'Other' } });
    const open = await stored('sent-open', 'routed');
    const foreign = await stored('sent-foreign', 'routed', other);
    const final = await stored('sent-final', 'delivered');
    const letter = (messageId: string): DeadLetterEvent => ({
      ...newEnvelope(),
      originalTopic: SMS_SENT.name,
      originalKey: messageId,
      consumerGroup: groups.dlr,
      reason: 'Error: Connection terminated unexpectedly',
      attempts: 6,
      payload: JSON.stringify(sentEvent(messageId, `c-${messageId}`)),
    });
    for (const id of [open, foreign, final]) await deliverDeadLetter(letter(id));
    await projected();

    expect(await messageOf(open)).toMatchObject({ status: 'sent', carrierId: 'sim' });
    const [sent] = await history(open);
    expect(sent).toMatchObject({ status: 'sent', source: 'dlr' });
    expect(sent.detail).toContain(`sms.sent was dead-lettered by ${groups.dlr}`);
    expect(await deadlineOf(open)).toMatchObject({ tenantId: tenant, carrierId: 'sim' });
    expect((await carrierKeysOf(open)).map((key) => key.carrierMessageId)).toEqual([`c-${open}`]);
    // Untouched: `foreign` is another tenant's than the payload names, `final` was delivered.
    for (const [id, status] of [
      [foreign, 'routed'],
      [final, 'delivered'],
    ] as const) {
      expect(await messageOf(id)).toMatchObject({ status });
      expect(await history(id)).toEqual([]);
      expect(await deadlineOf(id)).toBeNull();
      expect(await carrierKeysOf(id)).toEqual([]);
    }

    await publisher.publish(SMS_DLR_RAW, {
      ...newEnvelope(),
      carrierId: 'sim',
      carrierMessageId: `c-${open}`,
      state: 'delivered',
      rawState: 'DELIVRD',
      errorCode: '000',
      receivedAt: new Date().toISOString(),
    });
    const delivered = await waitFor('the receipt delivered the message', async () => {
      const row = await messageOf(open);
      return row?.status === 'delivered' ? row : undefined;
    });
    expect(delivered.statusDetail).toContain('receipt from sim: DELIVRD');
  });

  // Runs last: it moves the dlr's clock past every deadline.
  it("ends a message whose sms.sent the dlr dead-lettered in the expiry's state at its deadline, once however often the dead letter comes", async () => {
    const id = await stored('sent-lost', 'routed');
    const before = clock.now().getTime();
    // PostgreSQL text cannot hold a NUL: recording the carrier's id fails on every attempt.
    await publisher.publish(SMS_SENT, sentEvent(id, `c\u0000-${run}`));

    const [deadLetter] = await reader.waitForValues<DeadLetterEvent>(
      DEAD_LETTER.name,
      1,
      (event) => event.originalTopic === SMS_SENT.name && event.payload.includes(id),
    );
    expect(deadLetter).toMatchObject({ consumerGroup: groups.dlr, attempts: 2 });
    await waitFor('the message sent', async () =>
      (await messageOf(id))?.status === 'sent' ? true : undefined,
    );
    const deadline = await deadlineOf(id);
    // Default validity (48 h) from the recording, plus an hour's grace.
    const validity = 49 * 3_600_000;
    expect(deadline).toMatchObject({ tenantId: tenant, carrierId: 'sim', partCount: 1 });
    expect(deadline!.expiresAt.getTime()).toBeGreaterThanOrEqual(before + validity);
    expect(deadline!.expiresAt.getTime()).toBeLessThanOrEqual(clock.now().getTime() + validity);
    // What failed before fails again: no carrier ids, and the deadline stands all the same.
    expect(await carrierKeysOf(id)).toEqual([]);
    const sent = await history(id);
    expect(sent).toMatchObject([{ status: 'sent', source: 'dlr' }]);
    expect(sent[0].detail).toContain(
      `sms.sent was dead-lettered by ${groups.dlr} after 2 attempt(s)`,
    );

    // A copy of the dead letter changes nothing.
    await deliverDeadLetter(deadLetter);
    await projected();
    expect(await history(id)).toEqual(sent);
    expect(await deadlineOf(id)).toEqual(deadline);
    expect(statusesOf(id).map((event) => event.status)).toEqual(['sent']);

    // Nothing due a minute before the deadline; at it, the expiry's state (DLR_EXPIRY_STATUS:
    // unknown by default).
    clock.advance(deadline!.expiresAt.getTime() - clock.now().getTime() - 60_000);
    expect(await apps[0].get(ExpiryScheduler).runOnce()).toBe(0);
    expect(await deadlineOf(id)).toEqual(deadline);
    clock.advance(60_000);
    const ended = await waitFor('the message expired', async () => {
      const row = await messageOf(id);
      return row?.status === 'unknown' ? row : undefined;
    });
    expect(ended.statusDetail).toContain('no final receipt from sim');
    await waitFor('the deadline cleared', async () =>
      (await deadlineOf(id)) === null ? true : undefined,
    );

    // Final now: the dead letter once more leaves it alone.
    await deliverDeadLetter(deadLetter);
    await projected();
    expect((await history(id)).map((event) => event.status)).toEqual(['sent', 'unknown']);
    expect(await deadlineOf(id)).toBeNull();
    expect(statusesOf(id).map((event) => event.status)).toEqual(['sent', 'unknown']);
  });
});
