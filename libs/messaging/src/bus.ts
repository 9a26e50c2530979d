import type { LoggerService } from '@nestjs/common';
import type { ClientProxy, CustomTransportStrategy } from '@nestjs/microservices';

import { configurePublishValidation } from './event-codec';
import { InProcessEventClient } from './in-process/in-process-event.client';
import { InProcessBroker } from './in-process/in-process.broker';
import { InProcessTransport } from './in-process/in-process.transport';
import { KafkaEventClient } from './kafka/kafka-event.client';
import { KafkaTransport } from './kafka/kafka.transport';
import type { KafkaPort } from './kafka/kafka.port';
import { type KafkaConnectionOptions, KafkajsAdapter } from './kafka/kafkajs.adapter';
import type { TopicsAddable } from './live-subscriptions';
import type { RetryPolicy } from './retry-policy';
import { type TopicSettings, ensureOutboundTopics } from './topic-provisioning';

export type BusOptions =
  | {
      readonly kind: 'kafka';
      readonly kafka: KafkaConnectionOptions;
      /** How often consumers read their group's lag (tuxhat_kafka_consumer_lag); 0: never. */
      readonly lagIntervalMs?: number;
      /** How topics this process creates are made (as the provisioning Job's; default: none). */
      readonly topics?: TopicSettings;
    }
  | {
      readonly kind: 'in-process';
      readonly broker?: InProcessBroker;
      /** How long EventPublisher.publishDurably waits for the consumers (default 5 s). */
      readonly acknowledgementTimeoutMs?: number;
    };

export interface TransportOptions {
  /** The consumer group, one per service. */
  readonly group: string;
  readonly topicsFor?: (pattern: string) => readonly string[];
  readonly retryPolicy?: RetryPolicy;
  /**
   * Kafka: how many of a lane consumer's partitions are handled at once (default 6). A fetch's
   * batches are handed over in topic order, so a service whose topics race each other (dlr:
   * receipts and the sms.sent they need) wants all of them at once.
   */
  readonly partitionsConsumedConcurrently?: number;
}

/**
 * The one place that knows which bus the process runs on. Services ask it for their Nest
 * client (to emit) and transport strategy (to consume) and never see Kafka or the broker.
 */
export class Bus {
  private constructor(
    readonly kind: BusOptions['kind'],
    private readonly kafka: KafkaPort | null,
    private readonly broker: InProcessBroker | null,
    private readonly lagIntervalMs?: number,
    private readonly acknowledgementTimeoutMs?: number,
    private readonly topics: TopicSettings = {},
  ) {}

  static create(options: BusOptions, logger: LoggerService): Bus {
    configurePublishValidation();
    return options.kind === 'kafka'
      ? new Bus(
          'kafka',
          new KafkajsAdapter(options.kafka, logger),
          null,
          options.lagIntervalMs,
          undefined,
          options.topics,
        )
      : new Bus(
          'in-process',
          null,
          options.broker ?? new InProcessBroker(),
          undefined,
          options.acknowledgementTimeoutMs,
        );
  }

  createClient(): ClientProxy {
    return this.kafka
      ? new KafkaEventClient(this.kafka)
      : new InProcessEventClient(this.broker!, this.acknowledgementTimeoutMs);
  }

  createTransport(options: TransportOptions): CustomTransportStrategy &
    TopicsAddable & {
      close(): unknown;
    } {
    return this.kafka
      ? new KafkaTransport({ kafka: this.kafka, lagIntervalMs: this.lagIntervalMs, ...options })
      : new InProcessTransport({ broker: this.broker!, ...options });
  }

  /** The Kafka port, for topic administration; null on the in-process bus. */
  kafkaPort(): KafkaPort | null {
    return this.kafka;
  }

  /** How the topics this process creates are made (empty: the brokers' and contracts' defaults). */
  topicSettings(): TopicSettings {
    return this.topics;
  }

  /**
   * Creates a carrier's outbound topics that are missing, with this process's topic settings
   * (the brokers never create topics); returns those created. Nothing to create in memory.
   */
  async createOutboundTopics(carrierId: string): Promise<string[]> {
    return this.kafka ? ensureOutboundTopics(this.kafka, carrierId, this.topics) : [];
  }
}
