import type { LoggerService } from '@nestjs/common';
import {
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  Kafka,
  type KafkaConfig,
  logLevel,
  type LogEntry,
  PartitionAssigners,
  type Producer,
} from 'kafkajs';

import type { IncomingRecord, OutgoingRecord } from '../bus-record';
import { colocatingAssigner } from './colocating-assigner';
import type {
  ConsumerOptions,
  KafkaAdminPort,
  KafkaConsumerPort,
  KafkaPort,
  KafkaProducerPort,
  PartitionBatch,
  TopicSpec,
} from './kafka.port';
import { fixKafkajsRequestQueueTimer } from './kafkajs-request-queue.fix';
import { highestPerPartition, type PartitionOffset } from './offset-commits';
import { RequestBatcher } from './request-batcher';

/**
 * TLS to the brokers beyond the defaults (PEM text, as node's tls.connect takes it): ca replaces
 * the trusted CAs (the system's and NODE_EXTRA_CA_CERTS); cert and key are the client
 * certificate of mutual TLS; passphrase opens an encrypted key.
 */
export interface KafkaTlsOptions {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly passphrase?: string;
}

export interface KafkaConnectionOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** true: TLS with the default trust; an object: TLS with these options; false/unset: none. */
  readonly ssl?: boolean | KafkaTlsOptions;
  readonly sasl?: {
    mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
    username: string;
    password: string;
  };
}

/** The KafkaPort implemented with kafkajs 2.2 (pure JavaScript; see docs/architecture.md for the trade-offs). */
export class KafkajsAdapter implements KafkaPort {
  private readonly kafka: Kafka;

  constructor(options: KafkaConnectionOptions, logger: LoggerService) {
    fixKafkajsRequestQueueTimer();
    const config: KafkaConfig = {
      clientId: options.clientId,
      brokers: [...options.brokers],
      // The objects themselves, not copies: kafkajs reads their fields at every connection, so
      // options whose fields are getters (KafkaCredentialFiles) give new connections renewed
      // credentials.
      ssl: options.ssl ?? false,
      logLevel: logLevel.WARN,
      logCreator: () => (entry: LogEntry) => {
        const text = `kafkajs ${entry.namespace}: ${entry.log.message}`;
        if (entry.level <= logLevel.ERROR) logger.error(text);
        else logger.warn?.(text);
      },
      retry: { initialRetryTime: 200, retries: 8 },
    };
    if (options.sasl) config.sasl = options.sasl as KafkaConfig['sasl'];
    this.kafka = new Kafka(config);
  }

  createProducer(): KafkaProducerPort {
    return new KafkajsProducer(
      // Idempotent: a retried send never writes a record twice. One request in flight keeps
      // order; throughput comes from batching (RequestBatcher), not from parallel requests.
      this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
      }),
    );
  }

  createConsumer(groupId: string, options: ConsumerOptions = {}): KafkaConsumerPort {
    const port: KafkajsConsumer = new KafkajsConsumer(
      this.kafka.consumer({
        groupId,
        retry: {
          // kafkajs's default for consumers.
          retries: 5,
          // A crash while the consumer is being disconnected (its connection closed under a
          // fetch) made kafkajs schedule a restart after disconnect had cleared its timer: the
          // consumer came back after close, in tests after jest's teardown. Never once stopping.
          restartOnFailure: () => Promise.resolve(!port.stopping),
        },
        // Round robin stays listed so a group mid-upgrade (members without lanes) still forms.
        partitionAssigners: options.instance
          ? [colocatingAssigner(options.instance), PartitionAssigners.roundRobin]
          : [PartitionAssigners.roundRobin],
        allowAutoTopicCreation: false,
        sessionTimeout: 30_000,
        heartbeatInterval: 3_000,
        // How long the broker holds a fetch that finds nothing. It answers as soon as one
        // record arrives (minBytes 1), so this costs no latency: it only sets how often an idle
        // consumer asks again. Measured per idle consumer: 100 ms -> 53 ms CPU per 5 s, 500 ms
        // -> 21 ms (a service runs one consumer per lane, several per process). A paused
        // partition (retry not yet due) resumes at the next fetch: up to this much later.
        maxWaitTimeInMs: 500,
      }),
      1_000,
      (options.startAt ?? 'earliest') === 'earliest',
      (topic, time) => this.offsetsAt(topic, time),
    );
    return port;
  }

  /** Each partition's first offset written at or after `time` (its end when there is none). */
  private async offsetsAt(topic: string, time: Date): Promise<PartitionOffset[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, time.getTime());
      return offsets.map(({ partition, offset }) => ({ topic, partition, offset }));
    } finally {
      await admin.disconnect();
    }
  }

  createAdmin(): KafkaAdminPort {
    const admin = this.kafka.admin();
    return {
      connect: () => admin.connect(),
      disconnect: () => admin.disconnect(),
      listTopics: () => admin.listTopics(),
      async fetchWatermarks(topic: string) {
        const offsets = await admin.fetchTopicOffsets(topic);
        return offsets.map(({ partition, low, high }) => ({ partition, low, high }));
      },
      async fetchGroupOffsets(group: string, topic: string) {
        const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        return (committed?.partitions ?? []).map(({ partition, offset }) => ({
          partition,
          offset,
        }));
      },
      async ensureTopics(topics: readonly TopicSpec[]): Promise<string[]> {
        const existing = new Set(await admin.listTopics());
        const missing = topics.filter((topic) => !existing.has(topic.name));
        if (missing.length === 0) return [];
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({
            topic: topic.name,
            numPartitions: topic.partitions,
            replicationFactor: topic.replicationFactor ?? -1,
            configEntries: Object.entries(topic.config ?? {}).map(([name, value]) => ({
              name,
              value,
            })),
          })),
        });
        return missing.map((topic) => topic.name);
      },
    };
  }
}

class KafkajsProducer implements KafkaProducerPort {
  constructor(private readonly producer: Producer) {}

  connect(): Promise<void> {
    return this.producer.connect();
  }

  async send(records: readonly OutgoingRecord[]): Promise<void> {
    const byTopic = new Map<string, OutgoingRecord[]>();
    for (const record of records) {
      const list = byTopic.get(record.topic) ?? [];
      list.push(record);
      byTopic.set(record.topic, list);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic,
        messages: list.map((record) => ({
          key: record.key,
          value: record.value,
          headers: { ...record.headers },
        })),
      })),
    });
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}

export class KafkajsConsumer implements KafkaConsumerPort {
  private readonly resumeTimers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  /** True from disconnect() on. */
  stopping = false;
  /** Set when kafkajs gives up on the consumer (a crash it does not restart from). */
  private crashed: string | null = null;
  private topics: readonly string[] = [];
  /** Topics paused by pause(): paused again after a restart, which starts a new kafkajs run. */
  private readonly pausedTopics = new Set<string>();
  private running: Parameters<KafkajsConsumer['run']> | null = null;
  /**
   * The partitions' batches are handled concurrently and each commits when done: committed one
   * by one, that was several OffsetCommit requests per fetch, the most frequent request the
   * brokers got from a service. Commits that come in while one is in flight go together.
   */
  private readonly commits: RequestBatcher<PartitionOffset>;

  constructor(
    private readonly consumer: Consumer,
    private readonly restartDelayMs = 1_000,
    private readonly fromBeginning = true,
    private readonly offsetsAt: (topic: string, time: Date) => Promise<PartitionOffset[]> = () =>
      Promise.reject(new Error('this consumer cannot look offsets up by time')),
  ) {
    this.commits = new RequestBatcher((offsets) =>
      consumer.commitOffsets(highestPerPartition(offsets)),
    );
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.stopping) return;
      this.crashed = payload.error.message;
      // kafkajs does not restart after a non-retriable error (seen during rebalances, e.g.
      // a committed offset missing for a freshly assigned partition). Start over ourselves:
      // a lane that silently stopped would strand its messages. Liveness fails meanwhile.
      this.scheduleRestart();
    });
  }

  private scheduleRestart(): void {
    const timer = setTimeout(() => {
      this.resumeTimers.delete(timer);
      void this.restart();
    }, this.restartDelayMs);
    this.resumeTimers.add(timer);
  }

  /** Until it runs again: a restart that fails (the broker busy rebalancing) is tried again. */
  private async restart(): Promise<void> {
    if (this.stopping || !this.running) return;
    try {
      // kafkajs disconnects a consumer it gave up on, on its own time: starting again before
      // that is over left the new run disconnected under us, the lane stalled for good.
      await this.consumer.disconnect();
      if (this.stopping) return;
      await this.consumer.connect();
      await this.subscribe(this.topics);
      await this.run(...this.running);
      for (const topic of this.pausedTopics) this.consumer.pause([{ topic }]);
      this.crashed = null;
    } catch (error) {
      this.crashed = `restart failed: ${String(error)}`;
      this.scheduleRestart();
    }
  }

  health(): { ok: boolean; detail?: string } {
    return this.crashed ? { ok: false, detail: `consumer crashed: ${this.crashed}` } : { ok: true };
  }

  connect(): Promise<void> {
    return this.consumer.connect();
  }

  async subscribe(topics: readonly string[]): Promise<void> {
    this.topics = topics;
    await this.consumer.subscribe({ topics: [...topics], fromBeginning: this.fromBeginning });
  }

  async run(
    onBatch: (batch: PartitionBatch) => Promise<void>,
    options: { partitionsConsumedConcurrently: number },
  ): Promise<void> {
    this.running = [onBatch, options];
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      eachBatch: async (payload) => {
        // Once stopping, fetched batches are left alone: uncommitted, they go to the next owner.
        if (this.stopping || payload.isStale()) return;
        const handling = this.handleBatch(payload, onBatch);
        this.inFlight.add(handling);
        try {
          await handling;
        } finally {
          this.inFlight.delete(handling);
        }
      },
    });
  }

  private async handleBatch(
    payload: EachBatchPayload,
    onBatch: (batch: PartitionBatch) => Promise<void>,
  ): Promise<void> {
    const { batch } = payload;
    const { topic, partition } = batch;
    const records: IncomingRecord[] = batch.messages.map((message) => ({
      topic,
      partition,
      offset: message.offset,
      key: message.key ? message.key.toString('utf8') : null,
      value: message.value,
      headers: headersToStrings(message.headers),
    }));
    await onBatch({
      topic,
      partition,
      records,
      heartbeat: () => payload.heartbeat(),
      isRunning: () => payload.isRunning() && !payload.isStale(),
      commit: async (offset) => {
        payload.resolveOffset(offset);
        await this.commits.add({ topic, partition, offset: (BigInt(offset) + 1n).toString() });
      },
      markRead: (offset) => payload.resolveOffset(offset),
      pauseFrom: (offset, delayMs) => {
        this.consumer.seek({ topic, partition, offset });
        this.consumer.pause([{ topic, partitions: [partition] }]);
        const timer = setTimeout(() => {
          this.resumeTimers.delete(timer);
          this.consumer.resume([{ topic, partitions: [partition] }]);
        }, delayMs);
        this.resumeTimers.add(timer);
      },
    });
  }

  pause(topic: string): void {
    this.pausedTopics.add(topic);
    this.consumer.pause([{ topic }]);
  }

  async resumeFrom(topic: string, time: Date): Promise<void> {
    const offsets = await this.offsetsAt(topic, time);
    // A seek also makes a batch fetched before it stale (eachBatch drops those).
    for (const { partition, offset } of offsets) this.consumer.seek({ topic, partition, offset });
    this.pausedTopics.delete(topic);
    this.consumer.resume([{ topic }]);
  }

  /** Lets the batches in hand finish and commit before leaving the group. */
  async disconnect(): Promise<void> {
    this.stopping = true;
    for (const timer of this.resumeTimers) clearTimeout(timer);
    this.resumeTimers.clear();
    await Promise.allSettled([...this.inFlight]);
    await this.consumer.disconnect();
  }
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = first.toString();
  }
  return result;
}
