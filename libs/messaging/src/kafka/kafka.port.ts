import type { IncomingRecord, OutgoingRecord } from '../bus-record';

/**
 * The project's own port onto Kafka. Everything above it (transport, client, topic admin)
 * speaks these interfaces; kafkajs sits behind them today (kafkajs.adapter.ts) and can be
 * swapped for another client on measurements without touching a service.
 */
export interface KafkaPort {
  createProducer(): KafkaProducerPort;
  createConsumer(groupId: string, options?: ConsumerOptions): KafkaConsumerPort;
  createAdmin(): KafkaAdminPort;
}

export interface ConsumerOptions {
  /**
   * The transport instance (service replica) the consumer belongs to. Consumers of one
   * instance in one group are assigned the same partition numbers of every topic they read
   * (colocating-assigner.ts): one replica owns a key in every lane.
   */
  readonly instance?: string;
  /**
   * Where the group starts reading a partition it has no committed offset for: `earliest`
   * (the default: nothing published before the group's first run is missed) or `latest` (a
   * live feed that never commits, such as the status streams, wants only what comes next).
   */
  readonly startAt?: 'earliest' | 'latest';
}

export interface KafkaProducerPort {
  connect(): Promise<void>;
  /** Resolves once every record is acknowledged by all in-sync replicas. */
  send(records: readonly OutgoingRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}

/** One fetch of consecutive records from one partition. */
export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly IncomingRecord[];
  /** Commits everything up to and including `offset` for the group. */
  commit(offset: string): Promise<void>;
  /**
   * Moves this consumer past `offset` without committing anything: its next fetch of the
   * partition starts after it. For a live feed that never commits; a batch left neither
   * committed nor marked read is fetched again.
   */
  markRead(offset: string): void;
  heartbeat(): Promise<void>;
  /**
   * Stops consuming this partition for `delayMs`; the records from `offset` on are fetched
   * again after that (used by the retry topic for records not yet due).
   */
  pauseFrom(offset: string, delayMs: number): void;
  isRunning(): boolean;
}

export interface KafkaConsumerPort {
  connect(): Promise<void>;
  subscribe(topics: readonly string[]): Promise<void>;
  run(
    onBatch: (batch: PartitionBatch) => Promise<void>,
    options: { partitionsConsumedConcurrently: number },
  ): Promise<void>;
  /**
   * Stops fetching `topic` (all its partitions) until resumeFrom: a live feed nobody listens to
   * then costs the broker and the process only heartbeats. Needs run() first.
   */
  pause(topic: string): void;
  /**
   * Fetches `topic` again, each partition from its first record written at or after `time`
   * (from its end when it has none). Needs run() first.
   */
  resumeFrom(topic: string, time: Date): Promise<void>;
  /** Stops fetching, lets the batches in hand finish, leaves the group. */
  disconnect(): Promise<void>;
  /** Whether the consumer still consumes: false once it crashed for good (liveness). */
  health?(): { readonly ok: boolean; readonly detail?: string };
}

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor?: number;
  readonly config?: Readonly<Record<string, string>>;
}

export interface KafkaAdminPort {
  connect(): Promise<void>;
  /** Creates the topics that do not exist yet; existing ones are left as they are. */
  ensureTopics(topics: readonly TopicSpec[]): Promise<string[]>;
  listTopics(): Promise<string[]>;
  /** Each partition's earliest offset on the broker and the next offset to be written. */
  fetchWatermarks(topic: string): Promise<PartitionWatermarks[]>;
  /** The group's committed offset of each partition of `topic` (`-1`: nothing committed yet). */
  fetchGroupOffsets(group: string, topic: string): Promise<CommittedOffset[]>;
  disconnect(): Promise<void>;
}

export interface PartitionWatermarks {
  readonly partition: number;
  readonly low: string;
  readonly high: string;
}

export interface CommittedOffset {
  readonly partition: number;
  readonly offset: string;
}
