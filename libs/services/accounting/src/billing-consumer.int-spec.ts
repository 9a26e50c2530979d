import { randomUUID } from 'node:crypto';

import { type INestMicroservice, Logger } from '@nestjs/common';
import {
  ACCOUNTING_RECORDS,
  SMS_STATUS,
  type SmsStatusEvent,
  accountingRecordEvent,
  derivedEnvelope,
  retryTopicFor,
} from '@tuxhat/contracts';
import { type Database, createDatabase } from '@tuxhat/database';
import { Bus, encodeEvent, planTopics } from '@tuxhat/messaging';
import {
  type ServiceRuntime,
  consumerGroupOf,
  startConsumerService,
  systemClock,
} from '@tuxhat/runtime';
import {
  type TestDatabase,
  createTestDatabase,
  requiredTestEnv,
  waitFor,
  fetchTopicOffsetsWhenReady,
} from '@tuxhat/testing';
import { type Admin, type Consumer, Kafka, type Producer, logLevel } from 'kafkajs';

import { AccountingModule } from './accounting.module';

// Done means (issue 5): a billing consumer written as plain Kafka client code reads the
// accounting topic after 10,000 messages, with replays and restarts injected, and finds exactly
// 10,000 records whose totals match the database. Real Kafka, real PostgreSQL.
jest.setTimeout(150_000);

const MESSAGES = 10_000;
const run = randomUUID().slice(0, 8);
const tenants = [`bill-a-${run}`, `bill-b-${run}`];
const shard = `t${run}`;
const group = consumerGroupOf('accounting', shard);
const t0 = Date.parse('2026-11-26T08:00:00.000Z');

/** What a billing system keeps of each record it reads. */
interface BilledRecord {
  readonly key: string | null;
  readonly eventId: string;
  readonly messageId: string;
  readonly tenantId: string;
  readonly revision: number;
  readonly parts: number;
  readonly priceMinor: number;
  readonly costMinor: number;
}

/**
 * The billing system of the test: nothing of the gateway's code, only kafkajs. It reads the
 * accounting topic from where it stood before the run and keeps this run's records.
 */
class BillingConsumer {
  readonly records: BilledRecord[] = [];
  private readonly positions = new Map<number, bigint>();
  private consumer: Consumer | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
  ) {}

  async start(): Promise<void> {
    const groupId = `billing-${run}`;
    const topic = ACCOUNTING_RECORDS.name;
    // Start at the current end: earlier runs' records are not ours.
    const ends = await fetchTopicOffsetsWhenReady(this.admin, topic);
    for (const { partition, high } of ends) this.positions.set(partition, BigInt(high));
    await this.admin.setOffsets({
      groupId,
      topic,
      partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
    });
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          this.positions.set(batch.partition, BigInt(message.offset) + 1n);
          const record = JSON.parse(message.value!.toString()) as unknown;
          const parsed = accountingRecordEvent.parse(record);
          if (!tenants.includes(parsed.tenantId)) continue;
          this.records.push({
            key: message.key?.toString() ?? null,
            eventId: parsed.eventId,
            messageId: parsed.messageId,
            tenantId: parsed.tenantId,
            revision: parsed.revision,
            parts: parsed.parts,
            priceMinor: parsed.price.minor,
            costMinor: parsed.cost.minor,
          });
        }
      },
    });
  }

  /** True once it has read everything the topic holds now. */
  async caughtUp(): Promise<boolean> {
    const ends = await fetchTopicOffsetsWhenReady(this.admin, ACCOUNTING_RECORDS.name);
    return ends.every(
      ({ partition, high }) => (this.positions.get(partition) ?? -1n) >= BigInt(high),
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

describe('billing consumer on the accounting topic (10,000 messages, replays, restarts)', () => {
  const brokers = requiredTestEnv('KAFKA_BROKERS').split(',');
  const kafka = new Kafka({ clientId: `billing-test-${run}`, brokers, logLevel: logLevel.NOTHING });
  let admin: Admin;
  let producer: Producer;
  let db: TestDatabase;
  let serviceDatabase: Database;
  let runtime: ServiceRuntime;
  let billing: BillingConsumer;
  let accounting: INestMicroservice | null = null;

  const startAccounting = async () => {
    accounting = await startConsumerService({
      name: 'accounting',
      shard,
      module: AccountingModule.forRoot(runtime, { currency: 'EUR', configPollMs: 1_000 }),
      runtime,
      logger: new Logger(),
      shutdownHooks: false,
    });
  };
  const stopAccounting = async () => {
    await accounting?.close();
    accounting = null;
  };

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const missing = [
      ...planTopics({ carriers: [] }),
      { name: retryTopicFor(group), partitions: 3 },
    ].filter((topic) => !existing.has(topic.name));
    if (missing.length > 0)
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic: topic.name, numPartitions: topic.partitions })),
      });
    // The accounting group of this run starts at the end of the status topic (its history is
    // other tests' messages).
    const ends = await fetchTopicOffsetsWhenReady(admin, SMS_STATUS.name);
    await admin.setOffsets({
      groupId: group,
      topic: SMS_STATUS.name,
      partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
    });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();

    db = await createTestDatabase('billing_consumer');
    // The service's own pool, sized as in production (DATABASE_POOL_SIZE default 10): six
    // partitions are handled at once.
    serviceDatabase = await createDatabase({ url: db.url, poolSize: 10 });
    runtime = {
      bus: Bus.create(
        { kind: 'kafka', kafka: { brokers, clientId: `accounting-${run}` } },
        new Logger('kafka'),
      ),
      prisma: serviceDatabase.prisma,
      clock: systemClock,
    };
    billing = new BillingConsumer(kafka, admin);
  });

  afterAll(async () => {
    await stopAccounting();
    await billing?.stop();
    await producer?.disconnect();
    await admin?.disconnect();
    await serviceDatabase?.close();
    await db?.drop();
  });

  it('finds exactly one record per message whose totals match the database', async () => {
    const prisma = db.database.prisma;
    await prisma.tenant.createMany({ data: tenants.map((id) => ({ id, name: id })) });
    await prisma.tariff.createMany({
      data: [
        { id: `default-${run}`, prefix: '382', priceMinor: 5, currency: 'EUR' },
        {
          id: `a-otp-${run}`,
          tenantId: tenants[0],
          prefix: '38267',
          classOfService: 'otp',
          priceMinor: 3,
          currency: 'EUR',
        },
      ],
    });
    const ids = Array.from(
      { length: MESSAGES },
      (_, i) => `m-${run}-${String(i).padStart(5, '0')}`,
    );
    const tenantOf = (i: number) => tenants[i % 2];
    const rows = ids.map((id, i) => ({
      id,
      tenantId: tenantOf(i),
      destination: `+3826${7 + (i % 3)}${String(100_000 + i).slice(-6)}`,
      source: 'Bank',
      body: 'x',
      encoding: 'gsm7',
      parts: 1 + (i % 3),
      status: 'accepted' as const,
      priority: (['otp', 'transactional', 'bulk'] as const)[i % 3],
      createdAt: new Date(t0 + i),
    }));
    for (let start = 0; start < rows.length; start += 2_000)
      await prisma.message.createMany({ data: rows.slice(start, start + 2_000) });

    // What the pipeline would say about each message: rejected by policy (every 50th), or
    // routed (with the carrier's cost), sent, and a final state.
    const finals = [
      'delivered',
      'delivered',
      'delivered',
      'undeliverable',
      'expired',
      'failed',
    ] as const;
    const status = (i: number, value: SmsStatusEvent['status'], ms: number, extra = {}) =>
      ({
        ...derivedEnvelope(`${ids[i]}/${value}`, 'test', new Date(t0 + i + ms)),
        messageId: ids[i],
        tenantId: tenantOf(i),
        status: value,
        source: 'test',
        ...extra,
      }) satisfies SmsStatusEvent;
    const stepsOf = (i: number): SmsStatusEvent[] =>
      i % 50 === 0
        ? []
        : [
            status(i, 'routed', 10, {
              carrierId: 'telco-a',
              routeId: 'me',
              cost: { minor: 2 * (1 + (i % 3)), currency: 'EUR' },
            }),
            status(i, 'sent', 100, { carrierId: 'telco-a' }),
          ];
    const finalOf = (i: number): SmsStatusEvent =>
      i % 50 === 0
        ? status(i, 'rejected', 5)
        : status(i, finals[i % finals.length], 5_000, { carrierId: 'telco-a' });
    const send = async (events: readonly SmsStatusEvent[]) => {
      for (let start = 0; start < events.length; start += 2_000) {
        const records = events
          .slice(start, start + 2_000)
          .map((event) => encodeEvent(SMS_STATUS, event));
        await producer.sendBatch({
          acks: -1,
          topicMessages: [
            {
              topic: SMS_STATUS.name,
              messages: records.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
            },
          ],
        });
      }
    };
    const half = MESSAGES / 2;
    const indexes = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, k) => from + k);
    const published = () =>
      prisma.accountingRecord.count({
        where: { tenantId: { in: tenants }, publishedRevision: { gt: 0 } },
      });

    await billing.start();
    await startAccounting();

    // 1. Steps of every message, final states of the first half.
    await send(indexes(0, MESSAGES).flatMap(stepsOf));
    await send(indexes(0, half).map(finalOf));
    // 2. Restart in the middle of it: a graceful stop lets the batch in hand finish; the rest is
    //    redelivered to the next instance from the committed offsets.
    await waitFor(
      'some records published',
      async () => ((await published()) > 500 ? true : undefined),
      {
        timeoutMs: 60_000,
      },
    );
    await stopAccounting();
    await startAccounting();
    // 3. Replays: everything again (a producer retried, a service re-driven), then the second half.
    await send(indexes(0, half).flatMap((i) => [...stepsOf(i), finalOf(i)]));
    await send(indexes(half, MESSAGES).map(finalOf));
    // 4. Another restart mid-stream, and the second half's final states replayed once more.
    await waitFor(
      'more records published',
      async () => ((await published()) > half + 1_000 ? true : undefined),
      {
        timeoutMs: 60_000,
      },
    );
    await stopAccounting();
    await send(indexes(half, MESSAGES).map(finalOf));
    await startAccounting();

    // Quiescence: every status event consumed, every record published and marked, and the
    // billing consumer at the end of the accounting topic. Only then is the count final.
    await waitFor(
      'accounting to finish and billing to catch up',
      async () => {
        const lag = await statusLag(admin);
        if (lag > 0) return undefined;
        const left = await prisma.accountingRecord.count({
          where: { tenantId: { in: tenants }, OR: [{ publishPending: true }, { revision: 0 }] },
        });
        if (left > 0 || (await published()) < MESSAGES) return undefined;
        return (await billing.caughtUp()) ? true : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );

    const records = billing.records;
    expect(records).toHaveLength(MESSAGES);
    expect(new Set(records.map((r) => r.messageId)).size).toBe(MESSAGES);
    expect(new Set(records.map((r) => r.eventId)).size).toBe(MESSAGES);
    expect(records.every((r) => r.key === r.tenantId && r.revision === 1)).toBe(true);

    const totals = (list: readonly BilledRecord[]) => ({
      count: list.length,
      parts: list.reduce((sum, r) => sum + r.parts, 0),
      priceMinor: list.reduce((sum, r) => sum + r.priceMinor, 0),
      costMinor: list.reduce((sum, r) => sum + r.costMinor, 0),
    });
    const database = await prisma.accountingRecord.aggregate({
      where: { tenantId: { in: tenants }, finalStatus: { not: null } },
      _count: { _all: true },
      _sum: { parts: true, priceMinor: true, costMinor: true },
    });
    expect(totals(records)).toEqual({
      count: database._count._all,
      parts: database._sum.parts,
      priceMinor: database._sum.priceMinor,
      costMinor: database._sum.costMinor,
    });
    // And the totals are what the tariffs and costs say, not just equal to each other.
    expect(totals(records).count).toBe(MESSAGES);
    expect(totals(records).parts).toBe(rows.reduce((sum, row) => sum + row.parts, 0));
    expect(totals(records).priceMinor).toBeGreaterThan(0);
    expect(totals(records).costMinor).toBeGreaterThan(0);
  });
});

/** Status events the run's accounting group has not committed yet. */
async function statusLag(admin: Admin): Promise<number> {
  const [ends, committed] = await Promise.all([
    fetchTopicOffsetsWhenReady(admin, SMS_STATUS.name),
    admin.fetchOffsets({ groupId: group, topics: [SMS_STATUS.name] }),
  ]);
  const at = new Map(committed[0]?.partitions.map((p) => [p.partition, BigInt(p.offset)]) ?? []);
  return ends.reduce((lag, { partition, high }) => {
    const position = at.get(partition) ?? -1n;
    return lag + Number(BigInt(high) - (position < 0n ? 0n : position));
  }, 0);
}
