import { Logger } from '@nestjs/common';
import { type CustomTransportStrategy, Server } from '@nestjs/microservices';
import { processMetrics } from '@tuxhat/observability';
import { randomUUID } from 'node:crypto';

import { DEFAULT_LANE, type Lane, laneOfPhysicalTopic, retryTopicFor } from '@tuxhat/contracts';

import { BusHeaders, type IncomingRecord, type OutgoingRecord } from '../bus-record';
import { EventDispatcher } from '../dispatch/event-dispatcher';
import { defaultTopicsFor, eventTopicPatterns } from '../dispatch/event-patterns';
import { deadLetterRecord, retryRecord } from '../dispatch/failure-records';
import type { TopicsAddable } from '../live-subscriptions';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../retry-policy';
import { ConsumerHealth } from '../telemetry/consumer-health';
import { ConsumerLagMonitor } from './consumer-lag.monitor';
import type { KafkaConsumerPort, KafkaPort, KafkaProducerPort, PartitionBatch } from './kafka.port';
import { RequestBatcher } from './request-batcher';

export interface KafkaTransportOptions {
  readonly kafka: KafkaPort;
  /** Consumer group: one per service. Also names the group's retry topic. */
  readonly group: string;
  /** Physical topics behind a handler's pattern (topic families); default: the pattern itself. */
  readonly topicsFor?: (pattern: string) => readonly string[];
  readonly retryPolicy?: RetryPolicy;
  readonly partitionsConsumedConcurrently?: number;
  /** Distinct keys handled concurrently within one partition batch. */
  readonly maxKeyConcurrency?: number;
  /** How often the group's lag is read from the brokers (tuxhat_kafka_consumer_lag); 0: never. Default 15 s. */
  readonly lagIntervalMs?: number;
}

/**
 * NestJS transport strategy over the project's Kafka port. Unlike Nest's stock Kafka server it
 * consumes in batches, commits only after the batch is handled, and never lets a failing
 * handler crash or loop the consumer: failed events go to the group's retry topic with a
 * back-off, then to the dead-letter topic with the reason.
 */
export class KafkaTransport extends Server implements CustomTransportStrategy, TopicsAddable {
  protected override readonly logger = new Logger(KafkaTransport.name);
  private consumers: KafkaConsumerPort[] = [];
  /** Set once the consumers of start() run: addTopics needs it, and refuses until then. */
  private dispatcher: EventDispatcher | null = null;
  /** Physical topics consumed: those of start() (the retry topic too) and those added since. */
  private readonly consumed = new Set<string>();
  /** The addTopics calls, one after the other: two calls for one topic never start two consumers. */
  private adding: Promise<void> = Promise.resolve();
  private closing = false;
  /** Ties this transport's lane consumers together in the group (colocating-assigner.ts). */
  private readonly instance = randomUUID();
  private producerPort: KafkaProducerPort | null = null;
  private producer: RequestBatcher<OutgoingRecord> | null = null;
  private readonly retryTopic: string;
  private readonly health: ConsumerHealth;
  private lag: ConsumerLagMonitor | null = null;

  constructor(private readonly options: KafkaTransportOptions) {
    super();
    this.retryTopic = retryTopicFor(options.group);
    this.health = new ConsumerHealth(options.group, () => this.clientHealth());
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  private async start(): Promise<void> {
    this.health.starting();
    const producerPort = this.options.kafka.createProducer();
    await producerPort.connect();
    this.producerPort = producerPort;
    const producer = new RequestBatcher<OutgoingRecord>((records) => producerPort.send(records));
    this.producer = producer;

    const dispatcher = new EventDispatcher({
      group: this.options.group,
      handlers: this,
      retryPolicy: this.options.retryPolicy ?? DEFAULT_RETRY_POLICY,
      logger: this.logger,
      maxConcurrency: this.options.maxKeyConcurrency ?? 64,
      failures: {
        retry: (record, _topic, nextAttempt, delayMs, error) =>
          producer.add(retryRecord(record, this.retryTopic, nextAttempt, delayMs, error)),
        deadLetter: (record, reason, attempts) =>
          producer.add(deadLetterRecord(record, this.options.group, reason, attempts)),
      },
    });

    const topicsFor = this.options.topicsFor ?? defaultTopicsFor;
    const topics = eventTopicPatterns(this.messageHandlers).flatMap((pattern) => [
      ...topicsFor(pattern),
    ]);
    // One consumer per lane: each fetches on its own, so a lane's backlog (or a slow carrier
    // behind it) never holds up another lane's fetches. The retry topic rides the default lane.
    const byLane = groupByLane(topics, new Map([[DEFAULT_LANE, [this.retryTopic]]]));
    for (const topic of [this.retryTopic, ...topics]) this.consumed.add(topic);
    // Started together so the group settles in one rebalance, not one per lane.
    await Promise.all(
      [...byLane].map(([lane, laneTopics]) => this.startConsumer(lane, laneTopics, dispatcher)),
    );
    this.dispatcher = dispatcher;
    this.health.running();
    const lagIntervalMs = this.options.lagIntervalMs ?? 15_000;
    if (lagIntervalMs > 0) {
      this.lag = new ConsumerLagMonitor({
        admin: this.options.kafka.createAdmin(),
        group: this.options.group,
        topics: [...topics, this.retryTopic],
        intervalMs: lagIntervalMs,
        metrics: processMetrics(),
        logger: this.logger,
      });
      await this.lag.start();
    }
  }

  /** A consumer in the group for these topics of one lane, handling its batches with `dispatcher`. */
  private async startConsumer(
    lane: Lane,
    topics: readonly string[],
    dispatcher: EventDispatcher,
  ): Promise<void> {
    const consumer = this.options.kafka.createConsumer(this.options.group, {
      instance: this.instance,
    });
    this.consumers.push(consumer);
    try {
      await consumer.connect();
      await consumer.subscribe(topics);
    } catch (error) {
      // Dropped, not left half-started for close(): a later addTopics starts another.
      this.consumers = this.consumers.filter((other) => other !== consumer);
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    this.logger.log(`${this.options.group} (${lane} lane) consuming ${topics.join(', ')}`);
    await consumer.run(
      (batch) =>
        batch.topic === this.retryTopic
          ? this.handleRetryBatch(batch, dispatcher)
          : this.handleBatch(batch, dispatcher),
      { partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 6 },
    );
  }

  addTopics(topics: readonly string[]): Promise<void> {
    const added = this.adding.then(() => this.consumeMore(topics));
    // A failed addition must not fail the ones queued behind it.
    this.adding = added.catch(() => undefined);
    return added;
  }

  /**
   * New consumers in the group, one per lane, for the topics not consumed yet; the running ones
   * are left alone (no resubscribing them, no gap in their fetches). The colocating assigner
   * gives each topic's partitions to this instance's consumer that subscribed to it. A new
   * topic is read from its beginning: what was published to it before is not missed.
   */
  private async consumeMore(topics: readonly string[]): Promise<void> {
    const dispatcher = this.dispatcher;
    if (!dispatcher || this.closing) {
      throw new Error(`${this.options.group} is not running: cannot consume ${topics.join(', ')}`);
    }
    const fresh = [...new Set(topics)].filter((topic) => !this.consumed.has(topic));
    await Promise.all(
      [...groupByLane(fresh)].map(async ([lane, laneTopics]) => {
        await this.startConsumer(lane, laneTopics, dispatcher);
        // Per lane: when another lane's consumer fails, a retry does not start this one twice.
        for (const topic of laneTopics) this.consumed.add(topic);
        this.lag?.addTopics(laneTopics);
      }),
    );
  }

  /** The clients' own view: a consumer that crashed for good fails liveness and readiness. */
  private clientHealth(): { ok: boolean; detail?: string } {
    for (const consumer of this.consumers) {
      const status = consumer.health?.();
      if (status && !status.ok) return status;
    }
    return { ok: true };
  }

  private async handleBatch(batch: PartitionBatch, dispatcher: EventDispatcher): Promise<void> {
    const last = batch.records.at(-1);
    if (!last) return;
    await dispatcher.handle(batch.records);
    await batch.commit(last.offset);
  }

  /** Retry records are handled in order once due; the first one not yet due pauses the partition. */
  private async handleRetryBatch(
    batch: PartitionBatch,
    dispatcher: EventDispatcher,
  ): Promise<void> {
    const due: IncomingRecord[] = [];
    let pauseAt: { offset: string; delayMs: number } | null = null;
    const now = Date.now();
    for (const record of batch.records) {
      const notBefore = Number(record.headers[BusHeaders.notBefore] ?? 0);
      if (notBefore > now) {
        pauseAt = { offset: record.offset, delayMs: notBefore - now };
        break;
      }
      due.push(record);
    }
    const lastDue = due.at(-1);
    if (lastDue) {
      await dispatcher.handle(due);
      await batch.commit(lastDue.offset);
    }
    if (pauseAt) batch.pauseFrom(pauseAt.offset, pauseAt.delayMs);
  }

  /** Graceful: stop fetching, finish the batches in hand, flush failure records, leave. */
  async close(): Promise<void> {
    this.closing = true;
    this.health.draining();
    // An addition under way finishes first: its consumers are then among those disconnected.
    await this.adding;
    await this.lag?.stop();
    this.lag = null;
    await Promise.all(this.consumers.map((consumer) => consumer.disconnect()));
    this.consumers = [];
    await this.producer?.flush();
    await this.producerPort?.disconnect();
    this.producerPort = null;
    this.health.stopped();
  }

  on(): this {
    return this;
  }

  unwrap<T>(): T {
    return this.consumers as T;
  }
}

/** `topics` by the lane each carries, added to those already in `byLane`. */
function groupByLane(
  topics: readonly string[],
  byLane = new Map<Lane, string[]>(),
): Map<Lane, string[]> {
  for (const topic of topics) {
    const lane = laneOfPhysicalTopic(topic);
    byLane.set(lane, [...(byLane.get(lane) ?? []), topic]);
  }
  return byLane;
}
