import { randomUUID } from 'node:crypto';

import { type Consumer, Kafka, logLevel } from 'kafkajs';

export interface ReadRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly value: string;
  readonly headers: Record<string, string>;
}

/**
 * A plain kafkajs consumer in its own throwaway group, reading topics from the beginning:
 * what a billing system or an operator's tool would see. Tests await records through it.
 */
export class KafkaTopicReader {
  readonly records: ReadRecord[] = [];
  private consumer: Consumer | null = null;
  private listeners = new Set<() => void>();

  constructor(private readonly brokers: readonly string[]) {}

  async start(topics: readonly string[]): Promise<this> {
    const kafka = new Kafka({
      clientId: 'test-reader',
      brokers: [...this.brokers],
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({
      groupId: `test-reader-${randomUUID()}`,
      maxWaitTimeInMs: 50,
    });
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
      eachMessage: async ({ topic, message }) => {
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
    return this;
  }

  /** Resolves with the matching records once `count` of them have arrived. */
  waitFor(
    count: number,
    predicate: (record: ReadRecord) => boolean = () => true,
    timeoutMs = 60_000,
  ): Promise<ReadRecord[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const matching = this.records.filter(predicate);
        if (matching.length >= count) {
          cleanup();
          resolve(matching);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `timed out waiting for ${count} record(s); have ${this.records.filter(predicate).length}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
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
