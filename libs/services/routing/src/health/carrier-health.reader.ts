import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { CARRIER_HEALTH, type CarrierHealthEvent } from '@tuxhat/contracts';
import { type Bus, type KafkaConsumerPort, decodeRecord } from '@tuxhat/messaging';

import { ROUTING_OPTIONS, type RoutingOptions } from '../routing.options';
import { CarrierHealthService } from './carrier-health.service';

export const ROUTING_BUS = Symbol('tuxhat:routing:bus');

/**
 * Reads carrier.health.v1 on Kafka as a broadcast: every routing replica needs the health of
 * every carrier, but members of one consumer group split a topic's partitions (and the topic
 * is keyed by carrier). So each replica reads through a consumer group of its own,
 * `routing-health.<instanceId>`, outside the service's transport: health reports are
 * idempotent state, there is nothing to retry or dead-letter. A new group starts at the
 * topic's beginning, so a fresh replica also learns the last reports still within their TTL.
 *
 * On the in-process bus this reader does nothing: CarrierHealthConsumer gets the events.
 */
@Injectable()
export class CarrierHealthBroadcastReader implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(CarrierHealthBroadcastReader.name);
  private consumer: KafkaConsumerPort | null = null;

  constructor(
    @Inject(ROUTING_BUS) private readonly bus: Bus,
    @Inject(ROUTING_OPTIONS) private readonly options: RoutingOptions,
    private readonly health: CarrierHealthService,
  ) {}

  static groupOf(instanceId: string): string {
    return `routing-health.${instanceId}`;
  }

  async onModuleInit(): Promise<void> {
    const kafka = this.bus.kafkaPort();
    if (!kafka) return;
    const group = CarrierHealthBroadcastReader.groupOf(this.options.instanceId);
    const consumer = kafka.createConsumer(group);
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe([CARRIER_HEALTH.name]);
    await consumer.run(
      async (batch) => {
        const events: CarrierHealthEvent[] = [];
        for (const record of batch.records) {
          const decoded = decodeRecord(record);
          if (decoded.ok) events.push(decoded.event as CarrierHealthEvent);
          else this.logger.warn(`ignored a carrier.health record: ${decoded.reason}`);
        }
        this.health.record(events);
        const last = batch.records.at(-1);
        if (last) await batch.commit(last.offset);
      },
      { partitionsConsumedConcurrently: 1 },
    );
    this.logger.log(`reading ${CARRIER_HEALTH.name} as ${group}`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = null;
  }
}
