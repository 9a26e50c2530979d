import { randomUUID } from 'node:crypto';

import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { fetchTopicOffsetsWhenReady, waitFor } from '@tuxhat/testing';

export interface TailRecord {
  readonly topic: string;
  readonly value: unknown;
}

/**
 * Commits a consumer group's offsets at the current end of these topics, so the group skips
 * their history. One short-lived member joins, commits and leaves (admin.setOffsets would join
 * once per topic and wait out a fetch each time).
 */
export async function skipHistory(
  brokers: readonly string[],
  groupId: string,
  topics: readonly string[],
): Promise<void> {
  const kafka = new Kafka({ brokers: [...brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await Promise.all(
    topics.map(async (topic) => ({
      topic,
      partitions: await fetchTopicOffsetsWhenReady(admin, topic),
    })),
  );
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics] });
    const joined = new Promise<void>((resolve) => {
      const off = consumer.on(consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    await consumer.run({ autoCommit: false, eachBatch: async () => undefined });
    consumer.pause(topics.map((topic) => ({ topic })));
    await joined;
    await consumer.commitOffsets(
      ends.flatMap(({ topic, partitions }) =>
        partitions.map(({ partition, high }) => ({ topic, partition, offset: high })),
      ),
    );
  } finally {
    await consumer.disconnect();
  }
}

/**
 * Reads topics from their current end on (shared topics carry every earlier test run: reading
 * them from the beginning would mean reading all of it), decoding each record's JSON value.
 */
export class KafkaTail {
  readonly records: TailRecord[] = [];
  private consumer: Consumer | null = null;

  private constructor(private readonly brokers: readonly string[]) {}

  static async start(brokers: readonly string[], topics: readonly string[]): Promise<KafkaTail> {
    const tail = new KafkaTail(brokers);
    await tail.run(topics);
    return tail;
  }

  private async run(topics: readonly string[]): Promise<void> {
    const groupId = `policy-test-tail-${randomUUID()}`;
    await skipHistory(this.brokers, groupId, topics);
    const consumer = new Kafka({
      clientId: 'policy-test-tail',
      brokers: [...this.brokers],
      logLevel: logLevel.NOTHING,
    }).consumer({ groupId, maxWaitTimeInMs: 50 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics] });
    const joined = new Promise<void>((resolve) => {
      const off = consumer.on(consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          if (!message.value) continue;
          this.records.push({
            topic: batch.topic,
            value: JSON.parse(message.value.toString()) as unknown,
          });
        }
      },
    });
    await joined;
  }

  /** Values of the records on topics accepted by `topic`, parsed by `parse`. */
  values<T>(topic: (name: string) => boolean, parse: (value: unknown) => T): T[] {
    return this.records
      .filter((record) => topic(record.topic))
      .map((record) => parse(record.value));
  }

  until<T>(what: string, probe: () => T | undefined, timeoutMs = 120_000): Promise<T> {
    return waitFor(what, probe, { timeoutMs, intervalMs: 100 });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = null;
  }
}
