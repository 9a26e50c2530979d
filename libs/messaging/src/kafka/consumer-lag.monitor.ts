import type { LoggerService } from '@nestjs/common';
import { METRICS, type Metrics } from '@tuxhat/observability';

import type { CommittedOffset, KafkaAdminPort, PartitionWatermarks } from './kafka.port';

/**
 * Records not yet committed by a group in one topic, summed over its partitions. A partition
 * without a commit counts from its low watermark (the group starts from the beginning); a
 * commit below the low watermark (retention deleted records) counts from there too.
 */
export function lagOf(
  committed: readonly CommittedOffset[],
  watermarks: readonly PartitionWatermarks[],
): number {
  const byPartition = new Map(committed.map((entry) => [entry.partition, BigInt(entry.offset)]));
  let lag = 0n;
  for (const mark of watermarks) {
    const low = BigInt(mark.low);
    const offset = byPartition.get(mark.partition) ?? -1n;
    const from = offset < low ? low : offset;
    const behind = BigInt(mark.high) - from;
    if (behind > 0n) lag += behind;
  }
  return Number(lag);
}

export interface ConsumerLagMonitorOptions {
  readonly admin: KafkaAdminPort;
  readonly group: string;
  readonly topics: readonly string[];
  readonly intervalMs: number;
  readonly metrics: Metrics;
  readonly logger: LoggerService;
}

/**
 * Reads the consumer group's lag from the brokers every `intervalMs` (committed offsets against
 * the end of each partition) into tuxhat_kafka_consumer_lag{group, topic}. It is what an HPA
 * on Kafka lag scales consumers by; every replica of a group reports the same values.
 */
export class ConsumerLagMonitor {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private lastError: string | null = null;
  private connected = false;
  /** The topics read: those given, and those the transport consumes since (addTopics). */
  private readonly topics: Set<string>;

  constructor(private readonly options: ConsumerLagMonitorOptions) {
    this.topics = new Set(options.topics);
  }

  /** Topics the group consumes from now on (a carrier added while running): from the next reading. */
  addTopics(topics: readonly string[]): void {
    for (const topic of topics) this.topics.add(topic);
  }

  /** Takes a first reading and goes on every interval; never fails the consumer it watches. */
  async start(): Promise<void> {
    await this.measure();
    this.timer = setInterval(() => {
      this.running ??= this.measure().finally(() => (this.running = null));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** One reading of every topic; a failure is logged once (until it changes) and retried next time. */
  async measure(): Promise<void> {
    const { admin, group, metrics } = this.options;
    try {
      if (!this.connected) {
        await admin.connect();
        this.connected = true;
      }
      for (const topic of [...this.topics]) {
        const [committed, watermarks] = await Promise.all([
          admin.fetchGroupOffsets(group, topic),
          admin.fetchWatermarks(topic),
        ]);
        metrics.set(METRICS.kafkaConsumerLag, { group, topic }, lagOf(committed, watermarks));
      }
      this.lastError = null;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.lastError) {
        this.options.logger.warn?.(`${group}: reading consumer lag failed: ${message}`);
      }
      this.lastError = message;
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    for (const topic of this.topics) {
      this.options.metrics.remove(METRICS.kafkaConsumerLag, { group: this.options.group, topic });
    }
    if (this.connected) await this.options.admin.disconnect();
    this.connected = false;
  }
}
