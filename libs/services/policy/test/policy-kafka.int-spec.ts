import { randomUUID } from 'node:crypto';

import { ConsoleLogger, type INestMicroservice } from '@nestjs/common';
import {
  type MessageFields,
  type PriorityClass,
  type TenantPolicyInput,
  SMS_ACCEPTED,
  SMS_STATUS,
  SMS_SUBMITTED,
  TENANT_USAGE_WARNING,
  newEnvelope,
  physicalTopicsOf,
  retryTopicFor,
  type SmsAcceptedEvent,
  type SmsStatusEvent,
  smsAcceptedEvent,
  smsStatusEvent,
  tenantUsageWarningEvent,
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
  KafkaTopicReader,
  type TestDatabase,
  createTestDatabase,
  requiredTestEnv,
  startGroupAtEnd,
  waitFor,
} from '@tuxhat/testing';
import { Kafka, type Producer, logLevel } from 'kafkajs';

import { PolicyModule, TenantPolicies } from '../src';
import { createTenant, message, writePolicy } from './support/policy-harness';

jest.setTimeout(360_000);

// The policy service as it runs in cluster mode: several replicas in one consumer group on a
// real Kafka broker, sharing PostgreSQL. These tests spread one tenant's messages over every
// partition and lane on purpose, so both replicas decide on the same tenant at the same time
// (harsher than production, where the tenant key and the colocating assignor give each tenant
// one owner): the counters must still be exact.
describe('policy replicas on Kafka', () => {
  const brokers = requiredTestEnv('KAFKA_BROKERS').split(',');
  const run = randomUUID().slice(0, 8);
  const shard = `test-${run}`;
  const group = consumerGroupOf('policy', shard);
  const logger = new ConsoleLogger('policy-kafka-test', { logLevels: ['error', 'warn'] });
  const submittedTopics = physicalTopicsOf(SMS_SUBMITTED);
  const kafka = new Kafka({ clientId: 'policy-test', brokers, logLevel: logLevel.NOTHING });
  let db: TestDatabase;
  let producer: Producer;
  let tail: KafkaTopicReader;
  const replicas: { app: INestMicroservice; database: Database }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('policy_kafka');
    const admin = kafka.admin();
    await admin.connect();
    const specs = [...planTopics({ carriers: [] }), { name: retryTopicFor(group), partitions: 3 }];
    const existing = new Set(await admin.listTopics());
    await admin.createTopics({
      waitForLeaders: true,
      topics: specs
        .filter((spec) => !existing.has(spec.name))
        .map((spec) => ({ topic: spec.name, numPartitions: spec.partitions })),
    });
    await admin.disconnect();
    // The group is new: without this it would start at the beginning of the shared topics and
    // decide (reject) every message earlier runs left there.
    await startGroupAtEnd(brokers, group, [...submittedTopics, SMS_STATUS.name]);
    producer = kafka.producer();
    await producer.connect();
    tail = await new KafkaTopicReader(brokers).start(
      [...physicalTopicsOf(SMS_ACCEPTED), SMS_STATUS.name, TENANT_USAGE_WARNING.name],
      { from: 'end' },
    );
  });

  afterAll(async () => {
    await Promise.all(replicas.splice(0).map((replica) => stopReplica(replica)));
    await tail?.stop();
    await producer?.disconnect();
    await db?.drop();
  });

  async function startReplica(): Promise<{ app: INestMicroservice; database: Database }> {
    const database = await createDatabase({ url: db.url, poolSize: 8 });
    const runtime: ServiceRuntime = {
      bus: Bus.create({ kind: 'kafka', kafka: { brokers, clientId: `policy-${run}` } }, logger),
      prisma: database.prisma,
      clock: systemClock,
    };
    const app = await startConsumerService({
      name: 'policy',
      shard,
      module: PolicyModule.forRoot(runtime, { releasePollMs: 25 }),
      runtime,
      logger,
      shutdownHooks: false,
      retryPolicy: { maxAttempts: 5, backoffMs: [100] },
    });
    const replica = { app, database };
    replicas.push(replica);
    return replica;
  }

  async function stopReplica(replica: { app: INestMicroservice; database: Database }) {
    replicas.splice(replicas.indexOf(replica), 1);
    await replica.app.close();
    await replica.database.close();
  }

  /** Sends to an explicit partition (spreading one tenant over all of them) of the message's lane. */
  async function send(messages: readonly MessageFields[], partitionOf: (index: number) => number) {
    const byTopic = new Map<string, { key: string | null; value: Buffer; partition: number }[]>();
    messages.forEach((fields, index) => {
      const record = encodeEvent(SMS_SUBMITTED, { ...newEnvelope(), message: fields });
      const list = byTopic.get(record.topic) ?? [];
      list.push({ key: record.key, value: record.value, partition: partitionOf(index) });
      byTopic.set(record.topic, list);
    });
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list })),
    });
  }

  /** A tenant with this policy, seen by every running replica before the test sends anything. */
  async function tenantWithPolicy(label: string, input: TenantPolicyInput): Promise<string> {
    const tenant = await createTenant(db.database.prisma, label);
    await writePolicy(db.database.prisma, tenant, input);
    await Promise.all(
      replicas.map(({ app }) => app.get(TenantPolicies, { strict: false }).refresh()),
    );
    return tenant;
  }

  /** Polls `probe` until it answers (the tail fills as records arrive). */
  const until = <T>(what: string, probe: () => T | undefined, timeoutMs = 120_000) =>
    waitFor(what, probe, { timeoutMs, intervalMs: 100 });

  const acceptedOf = (tenantId: string) =>
    tail.values<SmsAcceptedEvent>(
      SMS_ACCEPTED.name,
      (event) => event.message.tenantId === tenantId,
    );
  const statusesOf = (tenantId: string) =>
    tail.values<SmsStatusEvent>(SMS_STATUS.name, (event) => event.tenantId === tenantId);
  const LANES: PriorityClass[] = ['transactional', 'bulk', 'otp'];

  it('accepts exactly the monthly quota: 10,000 messages, quota 5,000, 50 producers, two replicas', async () => {
    await startReplica();
    const second = await startReplica();
    const tenant = await tenantWithPolicy('quota-load', {
      monthlyQuota: { messages: 5_000, warnAtPercent: 80 },
    });
    const messages = Array.from({ length: 10_000 }, (_, index) =>
      message(tenant, { priority: LANES[index % LANES.length] }),
    );

    // 50 producers, 200 messages each in sends of 10, over every partition of every lane.
    const producers = Array.from({ length: 50 }, (_, p) => messages.slice(p * 200, (p + 1) * 200));
    let sent = 0;
    const restart: { done?: Promise<unknown> } = {};
    await Promise.all(
      producers.map(async (own, p) => {
        for (let start = 0; start < own.length; start += 10) {
          await send(own.slice(start, start + 10), (index) => (p + start + index) % 6);
          sent += 10;
          // Halfway, one replica leaves and a new one joins: partitions move between replicas.
          if (sent >= 5_000 && !restart.done) {
            restart.done = stopReplica(second).then(() => startReplica());
          }
        }
      }),
    );
    await restart.done;
    // Kafka redelivers (a producer retry, a batch handled but not committed before a crash).
    await send(messages.slice(4_500, 5_500), (index) => index % 6);

    const decided = await until(
      'a decision on every message',
      () => {
        const accepted = new Set(acceptedOf(tenant).map((event) => event.message.messageId));
        const rejected = new Set(
          statusesOf(tenant)
            .filter((event) => event.status === 'rejected')
            .map((event) => event.messageId),
        );
        return accepted.size + rejected.size >= 10_000 ? { accepted, rejected } : undefined;
        // Two replicas rebalancing over 18 partitions on a loaded 2-core CI machine take a while.
      },
      240_000,
    );

    // Every event on the wire matches its contract.
    for (const event of acceptedOf(tenant)) smsAcceptedEvent.parse(event);
    for (const event of statusesOf(tenant)) smsStatusEvent.parse(event);
    expect(decided.accepted.size).toBe(5_000);
    expect(decided.rejected.size).toBe(5_000);
    expect([...decided.accepted].filter((id) => decided.rejected.has(id))).toEqual([]);
    const reasons = new Set(
      statusesOf(tenant)
        .filter((event) => event.status === 'rejected')
        .map((event) => event.errorCode),
    );
    expect([...reasons]).toEqual(['quota-exceeded']);
    const usage = await db.database.prisma.tenantUsage.findMany({ where: { tenantId: tenant } });
    expect(usage).toEqual([expect.objectContaining({ messages: 5_000, parts: 5_000 })]);
    expect(
      await db.database.prisma.policyDecision.count({
        where: { tenantId: tenant, outcome: 'accepted' },
      }),
    ).toBe(5_000);
    const warnings = tail
      .values(TENANT_USAGE_WARNING.name)
      .map((value) => tenantUsageWarningEvent.parse(value))
      .filter((event) => event.tenantId === tenant);
    expect(new Set(warnings.map((event) => event.eventId)).size).toBe(1);
    expect(warnings[0]).toMatchObject({ warnAtPercent: 80, quotaMessages: 5_000 });
    expect(warnings[0].messages).toBeGreaterThanOrEqual(4_000);
  });

  it('paces a queued burst at the configured rate (within 10%) across two replicas', async () => {
    const rate = 50;
    const burst = 5;
    while (replicas.length < 2) await startReplica();
    const tenant = await tenantWithPolicy('rate-queue', {
      rate: { messagesPerSecond: rate, burst, overLimit: 'queue' },
    });
    const messages = Array.from({ length: 300 }, () => message(tenant));

    await send(messages, (index) => index % 6);

    const accepted = await until('every message released', () => {
      const events = acceptedOf(tenant);
      return new Set(events.map((event) => event.message.messageId)).size >= 300
        ? events
        : undefined;
    });
    const times = [
      ...new Map(accepted.map((e) => [e.message.messageId, Date.parse(e.occurredAt)])).values(),
    ].sort((a, b) => a - b);
    // After the burst, one message every 1/rate s: (n - burst) messages over (last - first).
    const measured = ((times.length - burst) * 1_000) / (times.at(-1)! - times[0]);
    expect({ measured, within10Percent: Math.abs(measured - rate) / rate < 0.1 }).toEqual({
      measured,
      within10Percent: true,
    });
    const queued = statusesOf(tenant).filter((event) => event.detail?.includes('queued by rate'));
    expect(new Set(queued.map((event) => event.messageId)).size).toBeGreaterThanOrEqual(
      300 - burst - 5,
    );
  });

  it('rejects over the rate: accepted messages within 10% of the configured rate, two replicas', async () => {
    const rate = 40;
    // Half a second of tokens: batches reach the policy every 100 ms or so (fetch waits, two
    // replicas, six partitions), and a gap longer than the burst wastes tokens the demand could
    // have used. The rate counts a message when the policy admits it.
    const burst = 20;
    while (replicas.length < 2) await startReplica();
    const tenant = await tenantWithPolicy('rate-reject', {
      rate: { messagesPerSecond: rate, burst },
    });

    // About 120 messages a second for 5 s, three times the rate, over every partition.
    const messages: MessageFields[] = [];
    const sends: Promise<void>[] = [];
    for (let round = 0; round < 50; round++) {
      const chunk = Array.from({ length: 12 }, () => message(tenant));
      messages.push(...chunk);
      sends.push(send(chunk, (index) => (round * 12 + index) % 6));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await Promise.all(sends);

    const statuses = await until('a decision on every message', () => {
      const events = statusesOf(tenant).filter(
        (e) => e.status === 'accepted' || e.status === 'rejected',
      );
      return new Set(events.map((event) => event.messageId)).size >= messages.length
        ? events
        : undefined;
    });
    const decidedAt = statuses.map((event) => Date.parse(event.occurredAt));
    const span = (Math.max(...decidedAt) - Math.min(...decidedAt)) / 1_000;
    const accepted = new Set(
      statuses.filter((e) => e.status === 'accepted').map((e) => e.messageId),
    );
    // A burst at the start, then the rate for as long as messages kept coming.
    const measured = (accepted.size - burst) / span;
    // (measured is in the object so that a failure shows it)
    expect({ measured, within10Percent: Math.abs(measured - rate) / rate < 0.1 }).toEqual({
      measured,
      within10Percent: true,
    });
    expect(
      statuses.filter((e) => e.status === 'rejected').every((e) => e.errorCode === 'rate-limited'),
    ).toBe(true);
  });
});
