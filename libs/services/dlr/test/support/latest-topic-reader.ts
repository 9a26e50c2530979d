import { randomUUID } from 'node:crypto';

import { topicForPhysicalName } from '@tuxhat/contracts';
import { fetchTopicOffsetsWhenReady } from '@tuxhat/testing';
import { type Consumer, Kafka, logLevel } from 'kafkajs';

export interface SeenRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly value: string;
  readonly headers: Record<string, string>;
}

/**
 * A plain kafkajs consumer that starts at the current end of its topics (shared topics carry
 * every earlier test run's records) and lets a test await what arrives after that.
 */
export class LatestTopicReader {
  readonly records: SeenRecord[] = [];
  private consumer: Consumer | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly brokers: readonly string[]) {}

  async start(topics: readonly string[]): Promise<this> {
    const kafka = new Kafka({
      clientId: 'dlr-test-reader',
      brokers: [...this.brokers],
      logLevel: logLevel.NOTHING,
    });
    const groupId = `dlr-test-reader-${randomUUID()}`;
    const ends = await endOffsets(kafka, topics);
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    const joined = new Promise<void>((resolve) => {
      const off = consumer.on(consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        if (BigInt(message.offset) < (ends.get(`${topic}/${partition}`) ?? 0n)) return;
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) {
          if (value !== undefined)
            headers[name] = (Array.isArray(value) ? value[0] : value)?.toString() ?? '';
        }
        this.records.push({
          topic,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? '',
          headers,
        });
        for (const listener of this.listeners) listener();
      },
    });
    await joined;
    for (const [key, offset] of ends) {
      const [topic, partition] = key.split('/');
      consumer.seek({ topic, partition: Number(partition), offset: offset.toString() });
    }
    return this;
  }

  /** The JSON values on `topic` (a physical name, or a logical one: all its lanes) that satisfy `predicate`. */
  values<T>(topic: string, predicate: (value: T) => boolean = () => true): T[] {
    return this.records
      .filter(
        (record) => record.topic === topic || topicForPhysicalName(record.topic)?.name === topic,
      )
      .map((record) => JSON.parse(record.value) as T)
      .filter(predicate);
  }

  /** Resolves with the matching values once `count` of them arrived. */
  waitFor<T>(
    topic: string,
    count: number,
    predicate: (value: T) => boolean = () => true,
    timeoutMs = 45_000,
  ): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const matching = this.values(topic, predicate);
        if (matching.length >= count) {
          done();
          resolve(matching);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `timed out waiting for ${count} record(s) on ${topic}; have ${this.values(topic, predicate).length}`,
          ),
        );
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

/** The current end of every partition of `topics`, by `${topic}/${partition}`. */
export async function endOffsets(
  kafka: Kafka,
  topics: readonly string[],
): Promise<Map<string, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = new Map<string, bigint>();
    for (const topic of topics) {
      for (const each of await fetchTopicOffsetsWhenReady(admin, topic)) {
        ends.set(`${topic}/${each.partition}`, BigInt(each.high));
      }
    }
    return ends;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Commits a new group's offsets at the end of `topics`, so its consumers read only what comes
 * next: one short-lived member joins, commits every partition at once and leaves (kafkajs'
 * admin.setOffsets would join once per topic, seconds each).
 */
export async function startGroupAtEnd(
  kafka: Kafka,
  groupId: string,
  topics: readonly string[],
): Promise<void> {
  const ends = await endOffsets(kafka, topics);
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: false });
    const joined = new Promise<void>((resolve) => {
      const off = consumer.on(consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    // Handles nothing and resolves no offset: only the explicit commit below counts.
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async () => undefined,
    });
    await joined;
    await consumer.commitOffsets(
      [...ends].map(([key, offset]) => {
        const [topic, partition] = key.split('/');
        return { topic, partition: Number(partition), offset: offset.toString() };
      }),
    );
  } finally {
    await consumer.disconnect();
  }
}
