import { randomUUID } from 'node:crypto';

import { Logger } from '@nestjs/common';
import { requiredTestEnv } from '@tuxhat/testing';

import type { KafkaConsumerPort, KafkaProducerPort, PartitionBatch } from './kafka.port';
import { KafkajsAdapter } from './kafkajs.adapter';

/**
 * A live feed (a consumer that never commits, such as ingress's status streams) must still move
 * on: kafkajs fetches a batch again when nothing of it was resolved, so a feed that only read
 * its batches re-read the partition's tail in a loop, a whole core under load.
 */
describe(`${KafkajsAdapter.name} consumer on a real broker`, () => {
  const brokers = requiredTestEnv('KAFKA_BROKERS').split(',');
  const kafka = new KafkajsAdapter({ brokers, clientId: 'adapter-test' }, new Logger('kafka'));
  const topic = `adapter-test-${randomUUID().slice(0, 8)}`;
  let producer: KafkaProducerPort;
  const consumers: KafkaConsumerPort[] = [];

  beforeAll(async () => {
    const admin = kafka.createAdmin();
    await admin.connect();
    await admin.ensureTopics([{ name: topic, partitions: 1 }]);
    await admin.disconnect();
    producer = kafka.createProducer();
    await producer.connect();
  });

  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.disconnect()));
    await producer.disconnect();
  });

  /** The values of each batch a consumer got, in order; waits for the batch holding one. */
  class Batches {
    readonly values: (readonly string[])[] = [];
    private readonly waiters = new Set<() => void>();

    add(batch: PartitionBatch): void {
      this.values.push(batch.records.map((record) => record.value?.toString('utf8') ?? ''));
      for (const waiter of this.waiters) waiter();
    }

    holding(value: string): Promise<readonly string[]> {
      return new Promise((resolve) => {
        const check = () => {
          const found = this.values.find((values) => values.includes(value));
          if (!found) return;
          this.waiters.delete(check);
          resolve(found);
        };
        this.waiters.add(check);
        check();
      });
    }
  }

  /** A consumer of a group of its own, from the topic's first record. */
  async function consume(onBatch: (batch: PartitionBatch) => void): Promise<void> {
    const consumer = kafka.createConsumer(`adapter-test-${randomUUID().slice(0, 8)}`);
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe([topic]);
    await consumer.run(
      (batch) => {
        onBatch(batch);
        return Promise.resolve();
      },
      { partitionsConsumedConcurrently: 1 },
    );
  }

  const send = (value: string) =>
    producer.send([{ topic, key: 'k', value: Buffer.from(value), headers: {} }]);

  it('fetches after what a batch marked read, committing nothing', async () => {
    const marking = new Batches();
    const notMarking = new Batches();
    await send('first');
    await consume((batch) => {
      marking.add(batch);
      batch.markRead(batch.records.at(-1)!.offset);
    });
    await consume((batch) => notMarking.add(batch));
    await marking.holding('first');
    await notMarking.holding('first');

    await send('second');
    // The marking feed's next batch starts after `first`; the other fetches `first` again.
    expect(await marking.holding('second')).toEqual(['second']);
    expect(await notMarking.holding('second')).toEqual(['first', 'second']);
    expect(marking.values.filter((values) => values.includes('first'))).toHaveLength(1);
  }, 60_000);

  it('skips what was written while paused when resumed from a later time', async () => {
    const feed = new Batches();
    await send('before-pause');
    await consume((batch) => {
      feed.add(batch);
      batch.markRead(batch.records.at(-1)!.offset);
    });
    await feed.holding('before-pause');
    const consumer = consumers.at(-1)!;

    consumer.pause(topic);
    await send('while-paused');
    // Later than the paused record's time (its producer's clock, at most when send resolved).
    const resumeAt = new Date(Date.now() + 1);
    await consumer.resumeFrom(topic, resumeAt);
    while (Date.now() <= resumeAt.getTime()) await new Promise(setImmediate);
    await send('after-resume');

    expect(await feed.holding('after-resume')).toEqual(['after-resume']);
    expect(feed.values.flat()).not.toContain('while-paused');
  }, 60_000);

  it('commits the batches of several partitions handled at the same time, each at its last record', async () => {
    const multi = `adapter-test-multi-${randomUUID().slice(0, 8)}`;
    const group = `adapter-test-${randomUUID().slice(0, 8)}`;
    const admin = kafka.createAdmin();
    await admin.connect();
    try {
      await admin.ensureTopics([{ name: multi, partitions: 4 }]);
      const values = Array.from({ length: 40 }, (_, n) => `v${n}`);
      await producer.send(
        values.map((value) => ({
          topic: multi,
          key: value,
          value: Buffer.from(value),
          headers: {},
        })),
      );
      const watermarks = await admin.fetchWatermarks(multi);
      // The keys spread the records over every partition, so the commits have several to join.
      expect(watermarks.filter((partition) => partition.high !== '0')).toHaveLength(4);

      const seen = new Set<string>();
      let allCommitted!: () => void;
      const committed = new Promise<void>((resolve) => (allCommitted = resolve));
      const consumer = kafka.createConsumer(group);
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe([multi]);
      await consumer.run(
        async (batch) => {
          await batch.commit(batch.records.at(-1)!.offset);
          for (const record of batch.records) seen.add(record.value!.toString('utf8'));
          if (seen.size === values.length) allCommitted();
        },
        { partitionsConsumedConcurrently: 4 },
      );
      await committed;

      const offsets = await admin.fetchGroupOffsets(group, multi);
      expect([...offsets].sort((a, b) => a.partition - b.partition)).toEqual(
        [...watermarks]
          .sort((a, b) => a.partition - b.partition)
          .map(({ partition, high }) => ({ partition, offset: high })),
      );
    } finally {
      await admin.disconnect();
    }
  }, 60_000);
});
