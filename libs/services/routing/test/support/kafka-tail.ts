import { randomUUID } from 'node:crypto';

import { fetchTopicOffsetsWhenReady } from '@tuxhat/testing';
import { type Admin, type Consumer, Kafka, logLevel } from 'kafkajs';

/**
 * Points a consumer group that has not started yet at the current end of `topics`, so it
 * handles only what is published from now on, not the history other test runs left on the
 * shared broker. (kafkajs' admin.resetOffsets does the same but takes seconds per topic.)
 */
export async function startGroupAtEnd(
  brokers: readonly string[],
  groupId: string,
  topics: readonly string[],
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'routing-test-offsets',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin: Admin = kafka.admin();
  await admin.connect();
  const ends = (
    await Promise.all(
      topics.map(async (topic) =>
        (await fetchTopicOffsetsWhenReady(admin, topic)).map(({ partition, high }) => ({
          topic,
          partition,
          offset: high,
        })),
      ),
    )
  ).flat();
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
    await consumer.run({ autoCommit: false, eachBatch: async () => {} });
    await joined;
    await consumer.commitOffsets(ends);
  } finally {
    await consumer.disconnect();
  }
}

export interface TailRecord {
  readonly topic: string;
  readonly value: unknown;
}

/**
 * Reads what is published on `topics` from the moment start() resolves (not their history),
 * decoded from JSON, and lets a test await records instead of sleeping.
 */
export class KafkaTail {
  readonly records: TailRecord[] = [];
  private consumer: Consumer | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly brokers: readonly string[]) {}

  async start(topics: readonly string[]): Promise<this> {
    const groupId = `routing-test-tail-${randomUUID()}`;
    await startGroupAtEnd(this.brokers, groupId, topics);
    const consumer = new Kafka({
      clientId: 'routing-test-tail',
      brokers: [...this.brokers],
      logLevel: logLevel.NOTHING,
    }).consumer({ groupId, maxWaitTimeInMs: 50 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics] });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          this.records.push({
            topic: batch.topic,
            value: JSON.parse(message.value?.toString() ?? 'null') as unknown,
          });
        }
        for (const listener of this.listeners) listener();
      },
    });
    return this;
  }

  /** The decoded values on which `predicate` holds, once there are `count` of them. */
  waitFor<T>(
    count: number,
    predicate: (value: T, topic: string) => boolean,
    timeoutMs = 30_000,
  ): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const matching = () =>
        this.records
          .filter((record) => predicate(record.value as T, record.topic))
          .map((record) => record.value as T);
      const check = () => {
        const found = matching();
        if (found.length >= count) {
          done();
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${count} record(s); have ${matching().length}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = null;
  }
}
