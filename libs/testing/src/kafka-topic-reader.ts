import { randomUUID } from 'node:crypto';

import { topicForPhysicalName } from '@tuxhat/contracts';
import { type Consumer, Kafka, logLevel } from 'kafkajs';

import { startGroupAtEnd } from './topic-offsets';

export interface ReadRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly value: string;
  readonly headers: Record<string, string>;
}

/**
 * Which topics a query looks at: a name (physical, or logical for all of its lanes) or a test
 * on the physical name.
 */
export type TopicFilter = string | ((physicalTopic: string) => boolean);

export interface ReaderOptions {
  /**
   * 'beginning' (default) reads the topics' whole history: what a billing system or an
   * operator's tool would see. 'end' reads only what is published after start() resolves:
   * shared topics carry every earlier test run's records.
   */
  readonly from?: 'beginning' | 'end';
}

/**
 * A plain kafkajs consumer in its own throwaway group. Tests await records (raw, or their
 * JSON values) through it instead of sleeping.
 */
export class KafkaTopicReader {
  readonly records: ReadRecord[] = [];
  private consumer: Consumer | null = null;
  private listeners = new Set<() => void>();
  // Each record's value parsed once: tests poll thousands of records many times.
  private readonly decoded = new WeakMap<ReadRecord, unknown>();

  constructor(private readonly brokers: readonly string[]) {}

  async start(
    topics: readonly string[],
    { from = 'beginning' }: ReaderOptions = {},
  ): Promise<this> {
    const groupId = `test-reader-${randomUUID()}`;
    if (from === 'end') await startGroupAtEnd(this.brokers, groupId, topics);
    const kafka = new Kafka({
      clientId: 'test-reader',
      brokers: [...this.brokers],
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: from === 'beginning' });
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
    return this.await(count, () => this.records.filter(predicate), 'record(s)', timeoutMs);
  }

  /** The JSON values of the records on `topic` that satisfy `predicate`, in arrival order. */
  values<T>(topic: TopicFilter, predicate: (value: T) => boolean = () => true): T[] {
    const onTopic = typeof topic === 'function' ? topic : namedTopic(topic);
    const values: T[] = [];
    for (const record of this.records) {
      if (!onTopic(record.topic)) continue;
      const value = this.valueOf<T>(record);
      if (predicate(value)) values.push(value);
    }
    return values;
  }

  /** Resolves with the matching values once `count` of them have arrived on `topic`. */
  waitForValues<T>(
    topic: TopicFilter,
    count: number,
    predicate: (value: T) => boolean = () => true,
    timeoutMs = 60_000,
  ): Promise<T[]> {
    const on = typeof topic === 'string' ? ` on ${topic}` : '';
    return this.await(count, () => this.values(topic, predicate), `value(s)${on}`, timeoutMs);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = null;
  }

  private valueOf<T>(record: ReadRecord): T {
    if (!this.decoded.has(record)) this.decoded.set(record, JSON.parse(record.value));
    return this.decoded.get(record) as T;
  }

  private await<T>(
    count: number,
    matching: () => T[],
    what: string,
    timeoutMs: number,
  ): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = matching();
        if (found.length >= count) {
          cleanup();
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${count} ${what}; have ${matching().length}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }
}

function namedTopic(name: string): (physicalTopic: string) => boolean {
  return (physical) => physical === name || topicForPhysicalName(physical)?.name === name;
}
